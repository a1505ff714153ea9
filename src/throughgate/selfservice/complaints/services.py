"""Complaints: a COMP1 answered by a deadline, one COMP1A appeal within a time limit of the answer, or a COMP2
confidential complaint that only the governor's office sees. After the last stage the person is told about the
Prisons and Probation Ombudsman. Deadlines are working days, set per establishment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from throughgate.core import activity, audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, LimitExceeded, NotVisible
from throughgate.core.idempotency import clean_idempotency_key
from throughgate.identity.models import User
from throughgate.identity.services import notification_send
from throughgate.people.selectors import own_record_for
from throughgate.selfservice import events, workdays
from throughgate.selfservice.applications.services import MAX_TEXT
from throughgate.selfservice.complaints.models import Complaint, ComplaintSettings, ComplaintStage, ComplaintStatus
from throughgate.selfservice.complaints.selectors import appeal_closes_on, settings_of
from throughgate.selfservice.permissions import ANSWER_COMPLAINTS, READ_CONFIDENTIAL_COMPLAINTS, USE_COMPLAINTS

SOURCE = "selfservice"


def _text(raw: str, field: str, empty: str) -> str:
    text = (raw or "").strip()
    if not text:
        raise InvalidInput(empty, code="required", field=field)
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("Use 2000 characters or fewer."), code="too_long", field=field)
    return text


@dataclass(frozen=True)
class Made:
    complaint: Complaint
    created: bool


def complaint_submit(
    *, user: User, stage: str, body: str, idempotency_key: str, appeal_of: Complaint | None = None
) -> Made:
    """A resident makes a COMP1 or COMP2, or appeals an answered COMP1 (COMP1A). Once per idempotency key."""
    ensure_can(user, USE_COMPLAINTS)
    person = own_record_for(user=user, permission=USE_COMPLAINTS)
    key = clean_idempotency_key(idempotency_key)
    existing = Complaint.objects.filter(person=person, idempotency_key=key).first()
    if existing is not None:
        return Made(existing, created=False)
    if stage not in (ComplaintStage.COMP1, ComplaintStage.COMP1A, ComplaintStage.COMP2):
        raise InvalidInput(_("Choose a kind of complaint."), code="stage_invalid", field="stage")
    text = _text(body, "body", _("Write what your complaint is about."))
    establishment = person.establishment
    if establishment is None:
        raise NotVisible(_("No record found"))
    today = timezone.localdate()
    if stage == ComplaintStage.COMP1A:
        if appeal_of is None or appeal_of.person_id != person.pk or appeal_of.stage != ComplaintStage.COMP1:
            raise NotVisible(_("No complaint found"))
        closes = appeal_closes_on(appeal_of)
        if closes is None:
            raise LimitExceeded(_("You can appeal when your complaint has been answered."), code="appeal_too_soon")
        if today > closes:
            raise LimitExceeded(
                _("The time to appeal ended on %(date)s. You can write to the Prisons and Probation Ombudsman.")
                % {"date": closes.strftime("%d/%m/%Y")},
                code="appeal_too_late",
            )
        if Complaint.objects.filter(appeal_of=appeal_of).exists():
            raise LimitExceeded(_("You have already appealed this complaint."), code="appeal_exists")
    else:
        appeal_of = None
    now = timezone.now()
    due = workdays.add_working_days(
        today, settings_of(establishment).days_for(stage), workdays.subdivision_of(establishment)
    )
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                person=person,
                establishment=establishment,
                stage=stage,
                appeal_of=appeal_of,
                body=text,
                submitted_at=now,
                due_on=due,
                idempotency_key=key,
            )
            audit.record(
                action=events.COMPLAINT_SUBMITTED,
                actor=user,
                subject=person.prison_number,
                obj=complaint,
                detail={"stage": stage},
            )
            activity.emit(
                person=person.prison_number,
                kind=events.COMPLAINT_SUBMITTED_KIND,
                occurred_at=now,
                source=SOURCE,
                idempotency_key=f"complaint.submitted:{complaint.pk}",
                payload={"stage": stage},
            )
    except IntegrityError:
        existing = Complaint.objects.filter(person=person, idempotency_key=key).first()
        if existing is None:
            raise LimitExceeded(_("You have already appealed this complaint."), code="appeal_exists") from None
        return Made(existing, created=False)
    return Made(complaint, created=True)


def may_see(user: User, complaint: Complaint) -> bool:
    """Staff of the establishment who answer complaints; a COMP2 only with the governor's permission."""
    if not user.is_staff_member or not user.has_perm(ANSWER_COMPLAINTS):
        return False
    if not user.sees_all_establishments and not user.assignments.filter(establishment=complaint.establishment).exists():
        return False
    return not complaint.confidential or user.has_perm(READ_CONFIDENTIAL_COMPLAINTS)


@transaction.atomic
def complaint_answer(*, by: User, complaint: Complaint, reply: str) -> Complaint:
    """Answer a complaint once. The answer is what the person reads."""
    complaint = Complaint.objects.select_for_update().select_related("person", "establishment").get(pk=complaint.pk)
    if not may_see(by, complaint):
        raise NotVisible(_("No complaint found"))
    if complaint.status != ComplaintStatus.OPEN:
        raise LimitExceeded(_("This complaint has already been answered."), code="complaint_answered")
    complaint.reply = _text(reply, "reply", _("Write a reply for the person."))
    complaint.status = ComplaintStatus.ANSWERED
    complaint.answered_at = timezone.now()
    complaint.answered_by = by
    complaint.save(update_fields=["reply", "status", "answered_at", "answered_by"])
    audit.record(
        action=events.COMPLAINT_ANSWERED,
        actor=by,
        subject=complaint.person.prison_number,
        obj=complaint,
        detail={"stage": complaint.stage, "late": timezone.localdate() > complaint.due_on},
    )
    return complaint


def _tell_governor(complaint: Complaint) -> None:
    """The governor named in the complaint settings is told, in the service, that an overdue complaint is theirs.
    The message names no person: complaints may be confidential."""
    due = complaint.due_on

    def message() -> str:
        return _("A complaint was not answered by %(due)s. It is now yours to answer.") % {
            "due": formats.date_format(due, "j F Y")
        }

    notification_send(
        recipients=[complaint.escalated_to] if complaint.escalated_to else [],
        kind="selfservice.complaint.escalated",
        key=f"selfservice.complaint.escalated:{complaint.pk}:{complaint.stage}",
        message=message,
        url=reverse("selfservice:staff_complaint", args=[complaint.pk]),
        establishment=complaint.establishment,
    )


def complaints_escalate_overdue(*, today: date | None = None) -> int:
    """Send every overdue open complaint that has not been escalated yet to the governor named in its establishment's
    complaint settings (run daily). An establishment that names nobody escalates nothing."""
    day = today or timezone.localdate()
    governors = dict(
        ComplaintSettings.objects.filter(escalate_to__isnull=False).values_list("establishment_id", "escalate_to_id")
    )
    candidates = Complaint.objects.filter(
        status=ComplaintStatus.OPEN, due_on__lt=day, escalated_at__isnull=True, establishment_id__in=list(governors)
    )
    escalated = 0
    for complaint_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().select_related("person").get(pk=complaint_id)
            if complaint.status != ComplaintStatus.OPEN or complaint.escalated_at is not None:
                continue
            complaint.escalated_at = timezone.now()
            complaint.escalated_to_id = governors[complaint.establishment_id]
            complaint.save(update_fields=["escalated_at", "escalated_to"])
            audit.record(
                action=events.COMPLAINT_ESCALATED,
                subject=complaint.person.prison_number,
                obj=complaint,
                detail={
                    "stage": complaint.stage,
                    "due_on": complaint.due_on.isoformat(),
                    "to": complaint.escalated_to_id,
                },
            )
            _tell_governor(complaint)
            escalated += 1
    return escalated
