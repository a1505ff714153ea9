"""The contact restrictions as plain rules (no database): what a restriction in force forbids, in words the user
reads. Approving a contact and booking a visit both ask these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from throughgate.contact.contacts.models import Contact, Restriction, RestrictionKind


def _same_name(contact: Contact, named: str) -> bool:
    return " ".join(named.lower().split()) == " ".join(contact.full_name.lower().split())


def forbids_contact(restrictions: Iterable[Restriction], contact: Contact, day: dt.date) -> str | None:
    """Why the person may not have contact with ``contact`` on ``day``, or None when nothing forbids it."""
    for restriction in restrictions:
        if not restriction.in_force_on(day):
            continue
        if restriction.kind == RestrictionKind.NO_CONTACT and (
            restriction.contact_id == contact.pk
            or (restriction.named_person and _same_name(contact, restriction.named_person))
        ):
            return _("%(name)s may not have contact with this person (a restriction is in force).") % {
                "name": contact.full_name
            }
        if restriction.kind == RestrictionKind.CHILD_CONTACT and contact.is_child_on(day):
            return _("%(name)s is a child, and this person may not have contact with children.") % {
                "name": contact.full_name
            }
    return None


def closed_only(restrictions: Iterable[Restriction], day: dt.date) -> bool:
    return any(r.kind == RestrictionKind.CLOSED_VISITS and r.in_force_on(day) for r in restrictions)
