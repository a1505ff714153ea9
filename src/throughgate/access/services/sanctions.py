"""Sanctions: suspending a person's internet access for a time, and lifting a suspension early."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.access import events, snapshot
from throughgate.access.models import (
    Sanction,
)
from throughgate.access.permissions import IMPOSE_SANCTION
from throughgate.access.services.checks import ensure_in_scope
from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition
from throughgate.identity.models import User
from throughgate.people.models import Person


@transaction.atomic
def sanction_impose(
    *, by: User, person: Person, ends_at: datetime, reason: str, starts_at: datetime | None = None
) -> Sanction:
    """Suspend a person's internet access until ``ends_at``. Officers may do so only in their own prison."""
    ensure_can(by, IMPOSE_SANCTION)
    ensure_in_scope(by, person.establishment)
    starts_at = starts_at or timezone.now()
    if not reason.strip():
        raise InvalidInput(
            _("Give a reason, such as the adjudication it follows"), code="reason_required", field="reason"
        )
    if ends_at <= starts_at:
        raise InvalidInput(_("The end must be after the start"), code="invalid_period", field="ends_at")
    if ends_at - starts_at > timedelta(days=84):
        raise InvalidInput(_("A suspension can last at most 84 days"), code="too_long", field="ends_at")
    sanction = Sanction.objects.create(
        person=person, starts_at=starts_at, ends_at=ends_at, reason=reason.strip()[:500], imposed_by=by
    )
    audit.record(
        action=events.SANCTION_IMPOSED,
        actor=by,
        subject=person.prison_number,
        obj=sanction,
        detail={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(), "reason": sanction.reason},
    )
    snapshot.bump(snapshot.POLICY)
    return sanction


@transaction.atomic
def sanction_lift(*, by: User, sanction: Sanction, reason: str) -> Sanction:
    ensure_can(by, IMPOSE_SANCTION)
    ensure_in_scope(by, sanction.person.establishment)
    if sanction.lifted_at is not None:
        raise InvalidTransition(_("This suspension was already lifted"))
    if not reason.strip():
        raise InvalidInput(_("Give a reason"), code="reason_required", field="reason")
    sanction.lifted_at = timezone.now()
    sanction.lifted_by = by
    sanction.lift_reason = reason.strip()[:500]
    sanction.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit.record(
        action=events.SANCTION_LIFTED,
        actor=by,
        subject=sanction.person.prison_number,
        obj=sanction,
        detail={"reason": sanction.lift_reason},
    )
    snapshot.bump(snapshot.POLICY)
    return sanction
