"""Demo data for contact with family: visiting sessions and monthly allowances in every prison; approved, waiting and
refused contacts; a restriction; visits booked for the coming weeks and for today (so the visits hall has a list);
and a family-site account for the first demo resident's sister.

Contacts are asked for and decided through the services (so the audit log has them); the visits of today are
written directly, because the booking rules refuse a time that has already started. Everything is derived from
``seed``; ``reset`` deletes it all."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from throughgate.contact.contacts import services as contact_services
from throughgate.contact.contacts.models import Contact, ContactStatus, Restriction, RestrictionKind
from throughgate.contact.family.models import FamilyAccount
from throughgate.contact.family.services import FAMILY_ROLE
from throughgate.contact.visits import services as visit_services
from throughgate.contact.visits.models import (
    BookedVia,
    Visit,
    VisitAllowance,
    VisitKind,
    VisitSession,
    VisitSlot,
    VisitStatus,
)
from throughgate.identity.backends import family_username
from throughgate.identity.models import Establishment, Role, User
from throughgate.people.models import IncentiveLevel, Person

FAMILY_EMAIL = "family.demo@example.org"
FAMILY_PASSWORD = "demo-password-1"  # noqa: S105  (the demo's printed password, as for staff)
FIRST = ("Dana", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kai", "Lin", "Mo")
LAST = "Demo"
RELATIONS = ("partner", "parent", "sibling", "friend", "grandparent")
PEOPLE_WITH_CONTACTS = 20
ALLOWANCES = {IncentiveLevel.BASIC: 2, IncentiveLevel.STANDARD: 3, IncentiveLevel.ENHANCED: 4}


def _staff(place: Establishment, role: str) -> User | None:
    return User.objects.filter(roles__code=role, assignments__establishment=place).order_by("pk").first()


def _ask(person: Person, first: str, relationship: str, n: int, **fields: object) -> Contact:
    return contact_services.contact_request(
        user=person.user,  # type: ignore[arg-type]
        new=contact_services.NewContact(
            first_name=first,
            last_name=LAST,
            relationship=relationship,
            phone=f"07700 900{n:03d}",
            email=str(fields.pop("email", f"{first.lower()}.{n}@example.org")),
            **fields,  # type: ignore[arg-type]
        ),
        idempotency_key=f"demo-contact-{person.prison_number}-{n}",
    )


def populate(*, seed: int = 1, say: Callable[[str], None] = lambda _line: None) -> dict[str, int]:
    rng = random.Random(f"contact:{seed}")  # noqa: S311  (demo data)
    today = timezone.localdate()
    counts = {"contacts": 0, "visiting sessions": 0, "visits booked": 0}
    first_resident: Person | None = None
    with transaction.atomic():
        for index, place in enumerate(Establishment.objects.order_by("pk")):
            security = _staff(place, "security_it")
            governor = _staff(place, "governor")
            if security is None or governor is None:
                continue
            for level, count in ALLOWANCES.items():
                visit_services.allowance_set(
                    by=governor, establishment=place, incentive_level=level, visits_per_month=count
                )
            sessions = [
                visit_services.session_add(
                    by=governor,
                    establishment=place,
                    new=visit_services.NewSession(
                        room="Visits hall",
                        weekday=day,
                        starts_at=dt.time(14),
                        ends_at=dt.time(16),
                        open_capacity=20,
                        closed_capacity=3,
                        valid_from=today - dt.timedelta(days=7),
                    ),
                )
                for day in (5, 6)
            ]
            sessions.append(
                visit_services.session_add(
                    by=governor,
                    establishment=place,
                    new=visit_services.NewSession(
                        room="Family room",
                        weekday=2,
                        starts_at=dt.time(18),
                        ends_at=dt.time(20),
                        open_capacity=6,
                        closed_capacity=0,
                        valid_from=today - dt.timedelta(days=7),
                        incentive_levels=[IncentiveLevel.ENHANCED],
                    ),
                )
            )
            # Today's session (whatever day the demo runs), so the visits hall has a list.
            today_session = VisitSession.objects.create(
                establishment=place,
                room="Visits hall",
                weekday=today.weekday(),
                starts_at=dt.time(9, 30),
                ends_at=dt.time(11, 30),
                open_capacity=12,
                closed_capacity=2,
                valid_from=today - dt.timedelta(days=7),
                created_by=governor,
            )
            counts["visiting sessions"] += len(sessions) + 1
            people = list(
                Person.objects.filter(establishment=place, user__isnull=False)
                .select_related("location")
                .order_by("pk")[:PEOPLE_WITH_CONTACTS]
            )
            if not people:
                continue
            sample = people[0]
            if index == 0:
                first_resident = sample
            sister = _ask(
                sample,
                "Dana",
                "sibling",
                1,
                email=FAMILY_EMAIL if index == 0 else f"dana.{place.code.lower()}@example.org",
                address="1 Example Street, Demo Town",
            )
            child = _ask(sample, "Kit", "child", 2, date_of_birth=today.replace(year=today.year - 9))
            _ask(sample, "Rowan", "friend", 3)
            refused = _ask(sample, "Sam", "friend", 4)
            sister = contact_services.contact_approve(by=security, contact=sister)
            child = contact_services.contact_approve(by=security, contact=child)
            contact_services.contact_refuse(
                by=security, contact=refused, reason="We could not confirm who this person is. Ask staff for help."
            )
            counts["contacts"] += 4
            # Everyone else: one approved contact; some have a visit booked ahead, some a visit today.
            upcoming = next(s for s in sessions if s.weekday == 5)
            saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
            for n, person in enumerate(people[1:], start=10):
                contact = _ask(person, FIRST[n % len(FIRST)], RELATIONS[n % len(RELATIONS)], n)
                contact = contact_services.contact_approve(by=security, contact=contact)
                counts["contacts"] += 1
                if rng.random() < 0.4:
                    visit_services.visit_book_by_staff(
                        by=governor,
                        person=person,
                        session=upcoming,
                        day=saturday,
                        visitors=[contact],
                        idempotency_key=f"demo-visit-{person.prison_number}",
                    )
                    counts["visits booked"] += 1
                elif rng.random() < 0.5:
                    _visit_today(today_session, today, person, contact, governor)
                    counts["visits booked"] += 1
            if len(people) > 2:
                contact_services.restriction_record(
                    by=security,
                    person=people[2],
                    new=contact_services.NewRestriction(
                        kind=RestrictionKind.CLOSED_VISITS, reason="Drugs passed at a visit (demo)", starts_on=today
                    ),
                )
            visit_services.visit_book_by_staff(
                by=governor,
                person=sample,
                session=upcoming,
                day=saturday,
                visitors=[sister, child],
                idempotency_key=f"demo-visit-{sample.prison_number}",
            )
            counts["visits booked"] += 1
        if first_resident is not None:
            _family_account()
            _messages(first_resident)
    say(
        f"  {counts['contacts']} contacts, {counts['visits booked']} visits; "
        f"family site (/family/): {FAMILY_EMAIL}, password {FAMILY_PASSWORD}"
    )
    return counts


def _visit_today(session: VisitSession, today: dt.date, person: Person, contact: Contact, by: User) -> None:
    slot, _made = VisitSlot.objects.get_or_create(session=session, date=today)
    visit = Visit.objects.create(
        slot=slot,
        person=person,
        kind=VisitKind.OPEN,
        status=VisitStatus.BOOKED,
        booked_at=timezone.now(),
        booked_by=by,
        booked_via=BookedVia.STAFF,
        idempotency_key=f"demo-today-{person.prison_number}",
    )
    visit.visitors.set([contact])


def _family_account() -> None:
    """A confirmed family-site account for the first demo resident's sister (Dana Demo)."""
    now = timezone.now()
    user = User.objects.create(
        username=family_username(FAMILY_EMAIL),
        email=FAMILY_EMAIL,
        first_name="Dana",
        last_name=LAST,
        password=make_password(FAMILY_PASSWORD),
    )
    user.roles.add(Role.objects.get(code=FAMILY_ROLE))
    FamilyAccount.objects.create(user=user, email=FAMILY_EMAIL, confirmed_at=now, created_at=now)


def _messages(person: Person) -> None:
    """A rule, a delivered message and a held one from Dana Demo to the first demo resident."""
    from throughgate.contact.messages import services as message_services

    place = person.establishment
    security = _staff(place, "security_it") if place else None
    family = User.objects.get(username=family_username(FAMILY_EMAIL))
    sister = Contact.objects.get(person=person, email=FAMILY_EMAIL)
    if place is None or security is None:
        return
    message_services.rule_add(by=security, establishment=place, pattern="parcel", is_regex=False, reason="Drop-offs")
    message_services.rule_add(
        by=security, establishment=place, pattern=r"\b07\d{3} ?\d{6}\b", is_regex=True, reason="Phone numbers"
    )
    message_services.message_send(
        user=family,
        contact=sister,
        body="Hi, it was good to see you. Mum sends her love. Kit did well at school this week.",
        idempotency_key="demo-message-1",
    )
    message_services.message_send(
        user=family, contact=sister, body="Can you ring me on 07700 900999?", idempotency_key="demo-message-2"
    )


def reset() -> dict[str, int]:
    """Delete every contact row and the family accounts, for ``demo_estate --reset``."""
    deleted = 0
    from throughgate.contact.messages.models import Message, ModerationRule

    for model in (
        Message,
        ModerationRule,
        Visit,
        VisitSlot,
        VisitSession,
        VisitAllowance,
        Restriction,
        Contact,
        FamilyAccount,
    ):
        deleted += model.objects.all().delete()[0]
    deleted += User.objects.filter(username__startswith="family:").delete()[0]
    return {"contact rows": deleted}


__all__ = ["ContactStatus", "populate", "reset"]
