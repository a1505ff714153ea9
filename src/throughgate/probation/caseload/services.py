"""Writes of the practitioner's tasks: close one with what was done."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition
from throughgate.identity.models import User
from throughgate.probation import events
from throughgate.probation.caseload.models import PractitionerTask
from throughgate.probation.permissions import SUPERVISE


@transaction.atomic
def task_close(*, task: PractitionerTask, by: User, outcome: str) -> PractitionerTask:
    """The practitioner closes one of their own tasks, saying what they did."""
    ensure_can(by, SUPERVISE)
    task = PractitionerTask.objects.select_for_update().select_related("person").get(pk=task.pk)
    if task.staff_id != by.pk:
        raise InvalidTransition(_("This task is not yours."), code="not_yours")
    if task.done_at is not None:
        raise InvalidTransition(_("This task is already closed."), code="task_closed")
    if not outcome.strip():
        raise InvalidInput(_("Say what you did about it"), code="outcome_required", field="outcome")
    task.done_at = timezone.now()
    task.done_by = by.get_username()
    task.outcome = outcome.strip()[:500]
    task.save(update_fields=["done_at", "done_by", "outcome"])
    audit.record(action=events.TASK_DONE, actor=by, subject=task.person.prison_number, obj=task)
    return task
