"""factory_boy factories and sign-in helpers shared by every app's tests. Synthetic people only."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

import factory
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from throughgate.identity import services as identity_services
from throughgate.identity.middleware import SESSION_DEVICE, SESSION_FAMILY, SESSION_LAST_SEEN
from throughgate.identity.models import (
    Establishment,
    Location,
    LocationLevel,
    RegisteredDevice,
    Role,
    StaffAssignment,
    User,
)
from throughgate.people.models import Person

RESIDENT_PIN = "2468"
STAFF_PASSWORD = "correct-horse-battery-staple"


def _code(n: int) -> str:
    letters = string.ascii_uppercase
    return "Z" + letters[(n // 26) % 26] + letters[n % 26]


class EstablishmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Establishment
        django_get_or_create = ("code",)

    code = factory.Sequence(_code)
    name = factory.LazyAttribute(lambda o: f"HMP Test {o.code}")


def cell_in(establishment: Establishment, wing: str = "A", landing: str = "1", cell: str = "001") -> Location:
    """A wing / landing / cell chain in an establishment (made on demand)."""
    wing_loc, _ = Location.objects.get_or_create(
        establishment=establishment,
        parent=None,
        code=wing,
        defaults={"level": LocationLevel.WING, "key": f"{establishment.code}-{wing}"},
    )
    landing_loc, _ = Location.objects.get_or_create(
        establishment=establishment,
        parent=wing_loc,
        code=landing,
        defaults={"level": LocationLevel.LANDING, "key": f"{wing_loc.key}-{landing}"},
    )
    cell_loc, _ = Location.objects.get_or_create(
        establishment=establishment,
        parent=landing_loc,
        code=cell,
        defaults={"level": LocationLevel.CELL, "key": f"{landing_loc.key}-{cell}", "capacity": 2},
    )
    return cell_loc


_prison_numbers = iter(f"T{n:04d}{a}{b}" for a in "ABCDEFGH" for b in "ABCDEFGHJK" for n in range(1, 10000))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    prison_number = factory.LazyFunction(lambda: next(_prison_numbers))
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.LazyFunction(lambda: dt.date(1990, 4, 1))
    sex = "M"
    ethnicity = "White"
    establishment = factory.SubFactory(EstablishmentFactory)
    location = factory.LazyAttribute(lambda o: cell_in(o.establishment))
    arrival_date = factory.LazyFunction(lambda: dt.date(2026, 1, 5))


def role(code: str) -> Role:
    return Role.objects.get(code=code)


def make_staff(
    role_code: str, establishments: list[Establishment] | None = None, username: str | None = None, **extra: Any
) -> User:
    """A staff member with one role, assigned to the given establishments, with a confirmed TOTP device."""
    username = username or f"{role_code}-{User.objects.count() + 1}"
    user = User.objects.create_user(username=username, password=STAFF_PASSWORD, first_name="Test", **extra)
    user.roles.add(role(role_code))
    for place in establishments or []:
        StaffAssignment.objects.get_or_create(user=user, establishment=place)
    TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def make_resident(establishment: Establishment | None = None, **person_fields: Any) -> Person:
    """A person in custody who can sign in on a kiosk with RESIDENT_PIN."""
    person = PersonFactory(establishment=establishment or EstablishmentFactory(), **person_fields)
    user = User.objects.create_user(username=person.prison_number, password=RESIDENT_PIN, first_name=person.first_name)
    user.roles.add(role("resident"))
    StaffAssignment.objects.create(user=user, establishment=person.establishment)
    person.user = user
    person.save(update_fields=["user"])
    return person


def make_partner(
    scopes: list[str] | None = None, establishments: list[Establishment] | None = None
) -> tuple[User, str]:
    """A partner system account, assigned to the given establishments (whose people it may look up), and a bearer
    token with the given scopes."""
    user = User.objects.create_user(username=f"partner-{User.objects.count() + 1}")
    user.roles.add(role("partner_system"))
    for place in establishments or []:
        StaffAssignment.objects.get_or_create(user=user, establishment=place)
    issued = identity_services.api_token_issue(
        user=user, name="test", scopes=scopes if scopes is not None else ["people.lookup_person"]
    )
    return user, issued.secret


def make_device(establishment: Establishment, kind: str = "kiosk") -> tuple[RegisteredDevice, str]:
    """A registered, enrolled device and its cookie token."""
    issued = identity_services.device_register(name="Test kiosk", kind=kind, establishment=establishment)
    enrolled = identity_services.device_enrol(code=issued.secret)
    assert enrolled is not None
    return enrolled


def sign_in_staff(client: Client, user: User) -> Client:
    """Signed in and past the second factor, as after a real TOTP step."""
    client.force_login(user, backend="throughgate.identity.backends.StaffBackend")
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session[SESSION_LAST_SEEN] = dt.datetime.now(tz=dt.UTC).timestamp()
    session.save()
    return client


def sign_in_resident(client: Client, person: Person, device: RegisteredDevice | None = None, token: str = "") -> Client:
    """Signed in on a registered kiosk of the person's establishment."""
    if device is None:
        device, token = make_device(person.establishment)
    client.cookies[settings.DEVICE_COOKIE_NAME] = token
    client.force_login(person.user, backend="throughgate.identity.backends.ResidentBackend")
    session = client.session
    session[SESSION_DEVICE] = device.pk
    session[SESSION_LAST_SEEN] = dt.datetime.now(tz=dt.UTC).timestamp()
    session.save()
    return client


def sign_in_family(client: Client, user: User) -> Client:
    """Signed in on the family site (contact app), as after its email-and-password sign-in."""
    client.force_login(user, backend="throughgate.identity.backends.FamilyBackend")
    session = client.session
    session[SESSION_FAMILY] = True
    session[SESSION_LAST_SEEN] = dt.datetime.now(tz=dt.UTC).timestamp()
    session.save()
    return client
