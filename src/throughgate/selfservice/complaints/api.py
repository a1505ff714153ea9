"""Complaints on the JSON API (/api/v1/selfservice/): a resident's own complaints and appeals, and the staff
queue."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Schema, Status

from throughgate.core.access import requires
from throughgate.core.errors import InvalidInput
from throughgate.identity.api import ERRORS, WRITE_ERRORS, Router, acting_user, permission_first
from throughgate.identity.selectors import establishment_named
from throughgate.selfservice.complaints import selectors as complaint_selectors
from throughgate.selfservice.complaints import services as complaint_services
from throughgate.selfservice.complaints.models import Complaint, ComplaintStage
from throughgate.selfservice.permissions import ANSWER_COMPLAINTS, USE_COMPLAINTS

router = Router(published_as="throughgate.selfservice.api")  # the operation ids the API was first published with


# --- Complaints ----------------------------------------------------------------------------------------------

COMPLAINTS_FIRST = permission_first(USE_COMPLAINTS)
ANSWER_COMPLAINTS_FIRST = permission_first(ANSWER_COMPLAINTS)


class ComplaintOut(Schema):
    id: int
    reference: str
    stage: str
    status: str
    body: str
    reply: str
    submitted_at: datetime
    due_on: date
    answered_at: datetime | None
    appeal_of: int | None
    can_appeal: bool
    appeal_closes_on: date | None
    ombudsman: bool = Field(description="The last stage is over: tell the person about the Ombudsman")

    @staticmethod
    def of(complaint: Complaint) -> "ComplaintOut":
        step = complaint_selectors.next_step(complaint=complaint)
        return ComplaintOut(
            id=complaint.pk,
            reference=complaint.reference,
            stage=complaint.stage,
            status=complaint.status,
            body=complaint.body,
            reply=complaint.reply,
            submitted_at=complaint.submitted_at,
            due_on=complaint.due_on,
            answered_at=complaint.answered_at,
            appeal_of=complaint.appeal_of_id,
            can_appeal=step.can_appeal,
            appeal_closes_on=step.appeal_closes_on,
            ombudsman=step.ombudsman,
        )


class ComplaintIn(Schema):
    stage: str = Field(
        description="COMP1 or COMP2 (an appeal is made on the complaint it appeals)",
        json_schema_extra={"enum": [ComplaintStage.COMP1, ComplaintStage.COMP2]},
    )
    body: str
    idempotency_key: str


class AppealIn(Schema):
    body: str
    idempotency_key: str


class AnswerIn(Schema):
    reply: str


@router.get("/complaints/mine", response={200: list[ComplaintOut], **ERRORS}, summary="The resident's complaints")
@requires(USE_COMPLAINTS)
def my_complaints(request: HttpRequest) -> list[ComplaintOut]:
    complaints = complaint_selectors.complaints_of_resident(user=acting_user(request))[:100]
    return [ComplaintOut.of(c) for c in complaints]


@router.post(
    "/complaints/mine",
    response={200: ComplaintOut, 201: ComplaintOut, **WRITE_ERRORS},
    summary="Make a complaint (idempotent)",
    auth=COMPLAINTS_FIRST,
)
@requires(USE_COMPLAINTS)
def complaint_submit(request: HttpRequest, payload: ComplaintIn) -> Status[ComplaintOut]:
    if payload.stage == "COMP1A":
        raise InvalidInput("Appeal on the complaint itself.", code="stage_invalid", field="stage")
    made = complaint_services.complaint_submit(
        user=acting_user(request), stage=payload.stage, body=payload.body, idempotency_key=payload.idempotency_key
    )
    return Status(201 if made.created else 200, ComplaintOut.of(made.complaint))


@router.get("/complaints/mine/{int:complaint_id}", response={200: ComplaintOut, **ERRORS}, summary="One complaint")
@requires(USE_COMPLAINTS)
def my_complaint(request: HttpRequest, complaint_id: int) -> "ComplaintOut":
    return ComplaintOut.of(
        complaint_selectors.complaint_of_resident(user=acting_user(request), complaint_id=complaint_id)
    )


@router.post(
    "/complaints/mine/{int:complaint_id}/appeal",
    response={200: ComplaintOut, 201: ComplaintOut, **WRITE_ERRORS},
    summary="Appeal an answered complaint (idempotent)",
    auth=COMPLAINTS_FIRST,
)
@requires(USE_COMPLAINTS)
def complaint_appeal(request: HttpRequest, complaint_id: int, payload: AppealIn) -> Status[ComplaintOut]:
    user = acting_user(request)
    original = complaint_selectors.complaint_of_resident(user=user, complaint_id=complaint_id)
    made = complaint_services.complaint_submit(
        user=user, stage="COMP1A", body=payload.body, idempotency_key=payload.idempotency_key, appeal_of=original
    )
    return Status(201 if made.created else 200, ComplaintOut.of(made.complaint))


@router.get("/complaints/queue", response={200: list[ComplaintOut], **ERRORS}, summary="Complaints by deadline")
@requires(ANSWER_COMPLAINTS)
def complaint_queue(request: HttpRequest, establishment: str = "", open_only: bool = True) -> list[ComplaintOut]:
    user = acting_user(request)
    place = establishment_named(request, user=user, code=establishment)
    complaints = complaint_selectors.complaint_queue_read(user=user, establishment=place, open_only=open_only)
    return [ComplaintOut.of(c) for c in complaints]


@router.post(
    "/complaints/{int:complaint_id}/answer",
    response={200: ComplaintOut, **WRITE_ERRORS},
    summary="Answer a complaint",
    auth=ANSWER_COMPLAINTS_FIRST,
)
@requires(ANSWER_COMPLAINTS)
def complaint_answer(
    request: HttpRequest, complaint_id: int, payload: AnswerIn, establishment: str = ""
) -> "ComplaintOut":
    user = acting_user(request)
    place = establishment_named(request, user=user, code=establishment)
    complaint = complaint_selectors.complaint_for_staff(user=user, establishment=place, complaint_id=complaint_id)
    return ComplaintOut.of(complaint_services.complaint_answer(by=user, complaint=complaint, reply=payload.reply))
