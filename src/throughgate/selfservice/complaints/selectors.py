"""Reads of complaints: a resident sees their own; staff who answer complaints see their establishment's, except a
COMP2, which only the governor's office sees (it looks like no complaint at all to anyone else)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.errors import NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people.selectors import own_record_for
from throughgate.selfservice import events, workdays
from throughgate.selfservice.complaints.models import Complaint, ComplaintSettings, ComplaintStage, ComplaintStatus
from throughgate.selfservice.permissions import ANSWER_COMPLAINTS, READ_CONFIDENTIAL_COMPLAINTS, USE_COMPLAINTS


def settings_of(establishment: Establishment) -> ComplaintSettings:
    found = ComplaintSettings.objects.filter(establishment=establishment).first()
    return found or ComplaintSettings(establishment=establishment)


def appeal_closes_on(complaint: Complaint) -> date | None:
    """The last day an answered COMP1 can be appealed."""
    if complaint.stage != ComplaintStage.COMP1 or complaint.answered_at is None:
        return None
    days = settings_of(complaint.establishment).appeal_days
    return workdays.add_working_days(
        timezone.localdate(complaint.answered_at), days, workdays.subdivision_of(complaint.establishment)
    )


def complaints_of_resident(*, user: User) -> QuerySet[Complaint]:
    return Complaint.objects.filter(person=own_record_for(user=user, permission=USE_COMPLAINTS)).select_related(
        "appeal_of"
    )


def complaint_of_resident(*, user: User, complaint_id: int) -> Complaint:
    complaint = complaints_of_resident(user=user).filter(pk=complaint_id).first()
    if complaint is None:
        raise NotVisible(_("No complaint found"))
    return complaint


@dataclass(frozen=True)
class NextStep:
    can_appeal: bool
    appeal_closes_on: date | None
    ombudsman: bool  # the last stage is over: tell the person about the Ombudsman


def next_step(*, complaint: Complaint) -> NextStep:
    if complaint.status != ComplaintStatus.ANSWERED:
        return NextStep(False, None, False)
    if complaint.stage == ComplaintStage.COMP1:
        closes = appeal_closes_on(complaint)
        appealed = Complaint.objects.filter(appeal_of=complaint).exists()
        open_to_appeal = closes is not None and timezone.localdate() <= closes and not appealed
        return NextStep(open_to_appeal, closes, not open_to_appeal and not appealed)
    return NextStep(False, None, True)


def complaints_visible_to_staff(*, user: User, establishment: Establishment | None) -> QuerySet[Complaint]:
    if not user.has_perm(ANSWER_COMPLAINTS) or not staff_may_act_in(user, establishment):
        return Complaint.objects.none()
    complaints = Complaint.objects.filter(establishment=establishment).select_related("person")
    if not user.has_perm(READ_CONFIDENTIAL_COMPLAINTS):
        complaints = complaints.exclude(stage=ComplaintStage.COMP2)
    return complaints


def complaint_queue(
    *, user: User, establishment: Establishment | None, open_only: bool = True, escalated_to_me: bool = False
) -> QuerySet[Complaint]:
    """Complaints by deadline, the soonest (and overdue) first."""
    complaints = complaints_visible_to_staff(user=user, establishment=establishment)
    if open_only:
        complaints = complaints.filter(status=ComplaintStatus.OPEN)
    if escalated_to_me:
        complaints = complaints.filter(escalated_to=user)
    return complaints.order_by("due_on", "submitted_at", "id")


def complaint_queue_read(
    *,
    user: User,
    establishment: Establishment | None,
    open_only: bool = True,
    escalated_to_me: bool = False,
    limit: int = 200,
) -> list[Complaint]:
    """The complaints queue as a member of staff reads it (people's own words, and for the governor COMP2s): the
    read is audited, one row, with how many complaints it showed and the prison's code."""
    complaints = list(
        complaint_queue(user=user, establishment=establishment, open_only=open_only, escalated_to_me=escalated_to_me)[
            :limit
        ]
    )
    code = establishment.code if establishment is not None else ""
    audit.record(
        action=events.COMPLAINT_QUEUE_VIEWED,
        actor=user,
        obj=establishment,
        establishment=code,
        purpose="answering_request",
        detail={"establishment": code, "count": len(complaints), "open_only": open_only},
    )
    return complaints


def complaint_for_staff(*, user: User, establishment: Establishment | None, complaint_id: int) -> Complaint:
    complaint = complaints_visible_to_staff(user=user, establishment=establishment).filter(pk=complaint_id).first()
    if complaint is None:
        raise NotVisible(_("No complaint found"))
    audit.record(
        action=events.COMPLAINT_VIEWED,
        actor=user,
        subject=complaint.person.prison_number,
        obj=complaint,
        purpose="answering_request",
    )
    return complaint
