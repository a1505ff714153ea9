"""Test helpers for self-service: an establishment with its default departments and app types, staff in a
department, and apps raised through the real service."""

from __future__ import annotations

import uuid
from typing import Any

from tests.factories import make_staff
from throughgate.identity.models import Establishment, User
from throughgate.people.models import Person
from throughgate.selfservice import defaults
from throughgate.selfservice.applications import services
from throughgate.selfservice.applications.models import App, AppType, Department


def set_up_apps(establishment: Establishment) -> None:
    defaults.install_defaults(establishment=establishment)


def department(establishment: Establishment, code: str) -> Department:
    set_up_apps(establishment)
    return Department.objects.get(establishment=establishment, code=code)


def app_type(establishment: Establishment, code: str) -> AppType:
    set_up_apps(establishment)
    return AppType.objects.get(establishment=establishment, code=code)


def staff_in(establishment: Establishment, code: str, role: str = "wing_officer", *, lead: bool = False) -> User:
    """A member of staff of the establishment, in one department (its lead if asked)."""
    user = make_staff(role, [establishment])
    place = department(establishment, code)
    place.members.add(user)
    if lead:
        place.lead = user
        place.save(update_fields=["lead"])
    return user


def key() -> str:
    return uuid.uuid4().hex


def raise_app(person: Person, code: str = "wing", body: str = "Can I have a new kettle?", **kwargs: Any) -> App:
    """An app raised by the person through the service, as from a kiosk."""
    submitted = services.app_submit(
        user=person.user,
        app_type=app_type(person.establishment, code),
        body=body,
        idempotency_key=kwargs.pop("idempotency_key", key()),
    )
    return submitted.app
