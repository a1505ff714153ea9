"""Writes of AIM data: recording what staff did about a flag, completing a follow-up review, and changing an
establishment's thresholds. Each checks permission, validates, writes in one transaction and leaves an audit row.
AIM never opens an ACCT or a CSIP: staff do that in the case system and record here that they did."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition
from throughgate.identity.models import Establishment, User
from throughgate.people.models import Person
from throughgate.welfare.models import AimSettings, Flag, SettingsChange, Triage, TriageAction, TriggerDate, TriggerKind
from throughgate.welfare.permissions import MANAGE_SETTINGS, TRIAGE_FLAGS

FLAG_TRIAGED = audit.register_action("welfare.flag.triaged", gettext_lazy("Recorded what was done about an AIM flag"))
REVIEW_COMPLETED = audit.register_action("welfare.review.completed", gettext_lazy("Completed an AIM follow-up review"))
SETTINGS_CHANGED = audit.register_action(
    "welfare.settings.changed", gettext_lazy("Changed AIM thresholds for an establishment")
)
TRIGGER_RECORDED = audit.register_action(
    "welfare.trigger_date.recorded", gettext_lazy("Recorded an anniversary or a court date for AIM")
)


@transaction.atomic
def flag_triage(
    *, flag: Flag, by: User, action: str, note: str, review_on: date | None, today: date | None = None
) -> Triage:
    """Record who looked at a flag, when, what they did and why; optionally a date to look again."""
    ensure_can(by, TRIAGE_FLAGS)
    if action not in TriageAction.values:
        raise InvalidInput(_("Choose what you did"), code="action_required", field="action")
    today = today or timezone.localdate()
    if review_on is not None and review_on < today:
        raise InvalidInput(_("The review date must be today or in the future"), field="review_on")
    if action == TriageAction.NO_CONCERN and not note.strip():
        raise InvalidInput(_("Say why there is no concern"), code="note_required", field="note")
    triage = Triage.objects.create(
        flag=flag, by=by, by_username=by.get_username(), action=action, note=note.strip(), review_on=review_on
    )
    audit.record(
        action=FLAG_TRIAGED,
        actor=by,
        subject=flag.person.prison_number,
        obj=triage,
        purpose="welfare_check",
        detail={"flag": flag.pk, "action": action, "review_on": str(review_on) if review_on else ""},
    )
    return triage


@transaction.atomic
def review_complete(*, triage: Triage, by: User, note: str) -> Triage:
    """Mark a follow-up review as done, with what was found."""
    ensure_can(by, TRIAGE_FLAGS)
    if triage.review_on is None or triage.reviewed_at is not None:
        raise InvalidTransition(_("This review is not due"))
    if not note.strip():
        raise InvalidInput(_("Say what you found at the review"), code="note_required", field="review_note")
    triage.reviewed_at = timezone.now()
    triage.reviewed_by_username = by.get_username()
    triage.review_note = note.strip()
    triage.save(update_fields=["reviewed_at", "reviewed_by_username", "review_note"])
    audit.record(
        action=REVIEW_COMPLETED,
        actor=by,
        subject=triage.flag.person.prison_number,
        obj=triage,
        purpose="welfare_check",
    )
    return triage


def _values(settings: AimSettings) -> dict[str, Any]:
    return {
        "amber_threshold": settings.amber_threshold,
        "red_threshold": settings.red_threshold,
        "red_budget_per_100": settings.red_budget_per_100,
        "amber_budget_per_100": settings.amber_budget_per_100,
        "cooldown_days": settings.cooldown_days,
        "quiet_days": settings.quiet_days,
    }


@transaction.atomic
def settings_change(
    *,
    establishment: Establishment,
    by: User,
    amber_threshold: float,
    red_threshold: float,
    red_budget_per_100: float,
    amber_budget_per_100: float,
    reason: str,
    cooldown_days: int | None = None,
    quiet_days: int | None = None,
) -> AimSettings:
    """Change an establishment's thresholds, alert budget and alert periods. The change, its reason and the values
    before and after are kept (SettingsChange) and audited."""
    ensure_can(by, MANAGE_SETTINGS)
    if not 0 < amber_threshold < red_threshold:
        raise InvalidInput(_("The red threshold must be higher than the amber threshold"), field="red_threshold")
    if not reason.strip():
        raise InvalidInput(_("Say why you are changing the settings"), code="reason_required", field="reason")
    for name, value in (("cooldown_days", cooldown_days), ("quiet_days", quiet_days)):
        if value is not None and not 0 <= value <= 365:
            raise InvalidInput(_("Enter a number of days from 0 to 365"), field=name)
    from throughgate.welfare.selectors import settings_for

    current = settings_for(establishment=establishment)
    before = _values(current)
    current.amber_threshold = amber_threshold
    current.red_threshold = red_threshold
    current.red_budget_per_100 = red_budget_per_100
    current.amber_budget_per_100 = amber_budget_per_100
    if cooldown_days is not None:
        current.cooldown_days = cooldown_days
    if quiet_days is not None:
        current.quiet_days = quiet_days
    current.updated_at = timezone.now()
    current.updated_by_username = by.get_username()
    current.save()
    after = _values(current)
    SettingsChange.objects.create(
        establishment=establishment, by_username=by.get_username(), before=before, after=after, reason=reason.strip()
    )
    audit.record(
        action=SETTINGS_CHANGED,
        actor=by,
        obj=current,
        detail={"establishment": establishment.code, "before": before, "after": after, "reason": reason.strip()},
    )
    return current


@transaction.atomic
def trigger_date_record(*, person: Person, by: User, kind: str, on: date, note: str) -> TriggerDate:
    """Record a date that may weigh on a person (an anniversary, every year; a court date, once)."""
    ensure_can(by, TRIAGE_FLAGS)
    if kind not in TriggerKind.values:
        raise InvalidInput(_("Choose what kind of date it is"), code="kind_required", field="kind")
    trigger = TriggerDate.objects.create(
        person=person, kind=kind, on=on, note=note.strip()[:200], recorded_by_username=by.get_username()
    )
    audit.record(
        action=TRIGGER_RECORDED,
        actor=by,
        subject=person.prison_number,
        obj=trigger,
        purpose="welfare_check",
        detail={"kind": kind, "on": on.isoformat()},
    )
    return trigger
