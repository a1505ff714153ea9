"""Contact test data made through the services, as the pages make it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from tests.factories import make_staff
from throughgate.contact.contacts import services as contact_services
from throughgate.contact.contacts.models import Contact
from throughgate.contact.family import services as family_services
from throughgate.contact.visits import services as visit_services
from throughgate.contact.visits.models import VisitSession
from throughgate.identity.models import Establishment, User
from throughgate.people.models import Person


def key() -> str:
    return uuid.uuid4().hex


def security(establishment: Establishment) -> User:
    return make_staff("security_it", [establishment])


def approved_contact(
    person: Person, first_name: str = "Dana", last_name: str = "Testcase", *, approve: bool = True, **fields: Any
) -> Contact:
    """A contact the resident asked for and security approved."""
    new = contact_services.NewContact(
        first_name=first_name,
        last_name=last_name,
        relationship=fields.pop("relationship", "sibling"),
        email=fields.pop("email", f"{first_name.lower()}.{last_name.lower()}@example.org"),
        **fields,
    )
    contact = contact_services.contact_request(user=person.user, new=new, idempotency_key=key())
    if approve:
        contact = contact_services.contact_approve(by=security(person.establishment), contact=contact)
    return contact


def next_weekday(weekday: int, *, after: dt.date | None = None) -> dt.date:
    """The next date (after tomorrow) falling on ``weekday``."""
    day = (after or timezone.localdate()) + dt.timedelta(days=2)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def session(
    establishment: Establishment, *, weekday: int = 5, open_capacity: int = 10, closed: int = 2, **fields: Any
) -> VisitSession:
    booker = make_staff("visits_booking", [establishment])
    return visit_services.session_add(
        by=booker,
        establishment=establishment,
        new=visit_services.NewSession(
            room=fields.pop("room", "Visits hall"),
            weekday=weekday,
            starts_at=dt.time(14, 0),
            ends_at=dt.time(16, 0),
            open_capacity=open_capacity,
            closed_capacity=closed,
            valid_from=timezone.localdate(),
            **fields,
        ),
    )


def family_user(email: str, first_name: str = "Dana") -> User:
    """A confirmed family-site account for ``email``."""
    signed = family_services.family_sign_up(
        email=email, password="a long family password 1", first_name=first_name, last_name="Testcase"
    )
    family_services.family_confirm(account=signed.account, code=signed.code)
    signed.account.user.refresh_from_db()
    return signed.account.user
