"""The practitioner's caseload: each person with what needs doing, ordered so that the most pressing comes first."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.errors import NotVisible
from throughgate.identity.models import User
from throughgate.people.models import Person
from throughgate.people.selectors import probation_caseload_of
from throughgate.probation import events
from throughgate.probation.appointments.models import UPCOMING, Appointment, AppointmentStatus
from throughgate.probation.caseload.models import PractitionerTask
from throughgate.probation.checkins.models import CheckIn, CheckinStatus
from throughgate.probation.passport.models import OPEN_STATUSES, PathwayState, PathwayStatus
from throughgate.probation.permissions import SUPERVISE


@dataclass
class CaseRow:
    person: Person
    open_tasks: int = 0
    overdue_tasks: int = 0
    next_checkin: CheckIn | None = None
    next_appointment: Appointment | None = None
    last_checkin: CheckIn | None = None
    attention: int = 0  # answered check-ins that need attention, not yet reviewed
    missed: int = 0  # missed check-ins not yet reviewed
    change_asked: int = 0  # appointments the person asked to change
    support_required: int = 0
    open_pathways: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def priority(self) -> int:
        return (
            self.overdue_tasks * 1000
            + self.attention * 200
            + self.missed * 150
            + self.change_asked * 100
            + self.open_tasks * 50
            + self.support_required * 5
            + self.open_pathways
        )


def caseload_rows(*, user: User) -> list[CaseRow]:
    """Everyone on the practitioner's caseload, most pressing first (overdue tasks, check-ins needing attention,
    missed check-ins, other tasks, pathways needing support). Audited as one read."""
    if not user.has_perm(SUPERVISE):
        return []
    people = list(probation_caseload_of(staff=user).order_by("last_name", "first_name"))
    rows = {person.pk: CaseRow(person) for person in people}
    now = timezone.now()
    for person_id, due_at in PractitionerTask.objects.filter(
        staff=user, done_at__isnull=True, person_id__in=rows
    ).values_list("person_id", "due_at"):
        rows[person_id].open_tasks += 1
        rows[person_id].overdue_tasks += int(due_at < now)
    for checkin in CheckIn.objects.filter(person_id__in=rows).order_by("due_on"):
        row = rows[checkin.person_id]
        if checkin.status == CheckinStatus.CREATED and row.next_checkin is None:
            row.next_checkin = checkin
        if checkin.status != CheckinStatus.CREATED:
            row.last_checkin = checkin
        if checkin.status == CheckinStatus.SUBMITTED and checkin.needs_attention:
            row.attention += 1
        if checkin.status == CheckinStatus.EXPIRED:
            row.missed += 1
    for appointment in Appointment.objects.filter(person_id__in=rows, status__in=UPCOMING, starts_at__gte=now).order_by(
        "starts_at"
    ):
        row = rows[appointment.person_id]
        row.change_asked += int(appointment.status == AppointmentStatus.CHANGE_ASKED)
        if row.next_appointment is None:
            row.next_appointment = appointment
    for person_id, status in PathwayState.objects.filter(passport__person_id__in=rows).values_list(
        "passport__person_id", "status"
    ):
        rows[person_id].open_pathways += int(status in OPEN_STATUSES)
        rows[person_id].support_required += int(status == PathwayStatus.SUPPORT_REQUIRED)
    audit.record(action=events.CASELOAD_VIEWED, actor=user, detail={"people": len(rows)})
    return sorted(rows.values(), key=lambda row: (-row.priority, row.person.last_name, row.person.first_name))


def tasks_of(*, user: User, person: Person) -> list[PractitionerTask]:
    """The practitioner's own tasks about one person (the caller read the person through a scoped selector)."""
    return list(PractitionerTask.objects.filter(staff=user, person=person).order_by("done_at", "due_at")[:50])


def case_viewed(*, user: User, person: Person) -> None:
    audit.record(action=events.CASE_VIEWED, actor=user, subject=person.prison_number, purpose="case_management")


def own_task(*, user: User, task_id: int) -> PractitionerTask:
    """One of the practitioner's own tasks."""
    task = PractitionerTask.objects.select_related("person").filter(staff=user, pk=task_id).first()
    if task is None:
        raise NotVisible(_("No task found"))
    return task
