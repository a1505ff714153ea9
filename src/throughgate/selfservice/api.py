"""Self-service on the JSON API (/api/v1/selfservice/): the in-cell app's apps, and the staff queue operations.
The same services and selectors as the pages; the same idempotency: a POST with a key already used answers 200 with
the app stored the first time (201 when it is new)."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from throughgate.core.access import requires
from throughgate.core.errors import InvalidInput, NotVisible
from throughgate.identity.api import API_AUTH, ERRORS, ApiForbidden, Router, acting_user
from throughgate.identity.models import ApiToken, Establishment, User
from throughgate.identity.selectors import establishments_for
from throughgate.selfservice import selectors, services
from throughgate.selfservice.complaints import selectors as complaint_selectors
from throughgate.selfservice.complaints import services as complaint_services
from throughgate.selfservice.models import App, AppEvent, CanteenOrder, Complaint, Department
from throughgate.selfservice.money import selectors as money_selectors
from throughgate.selfservice.money import services as money_services
from throughgate.selfservice.permissions import ANSWER_APPS, ANSWER_COMPLAINTS, USE_APPS, USE_COMPLAINTS, USE_MONEY

router = Router()


class _PermissionFirst:
    """Authenticates like the API's own methods, then checks the operation's permission before the body is read:
    someone who may not use an operation is told 403, never a 422 about the shape of what they sent."""

    def __init__(self, inner: Any, permission: str) -> None:
        self.inner = inner
        self.permission = permission
        self.openapi_security_schema = getattr(inner, "openapi_security_schema", None)

    def __call__(self, request: HttpRequest) -> Any:
        result = self.inner(request)
        if not result:
            return result
        user = result.user if isinstance(result, ApiToken) else result
        if isinstance(result, ApiToken) and self.permission not in result.scopes:
            raise ApiForbidden("This token's scopes do not include this operation.")
        if not isinstance(user, User) or not user.has_perm(self.permission):
            raise ApiForbidden("You do not have permission for this operation.")
        return result


def permission_first(permission: str) -> list[Any]:
    """The API's authentication methods, each checking ``permission`` as soon as the caller is known."""
    return [type(inner.__class__.__name__, (_PermissionFirst,), {})(inner, permission) for inner in API_AUTH]


ANSWER_FIRST = permission_first(ANSWER_APPS)
USE_FIRST = permission_first(USE_APPS)
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 400: ERRORS[422], 409: ERRORS[422]}


class AppTypeOut(Schema):
    id: int
    code: str
    name: str
    hint: str
    department: str
    response_days: int
    one_pending: bool
    blocked: bool = Field(description="True when this type allows one open app and the person has one")


class EventOut(Schema):
    at: datetime
    kind: str
    text: str
    to_status: str
    to_department: str | None
    shared: bool

    @staticmethod
    def of(event: AppEvent) -> "EventOut":
        return EventOut(
            at=event.at,
            kind=event.kind,
            text=event.text,
            to_status=event.to_status,
            to_department=event.to_department.code if event.to_department else None,
            shared=event.shared,
        )


class AppOut(Schema):
    id: int
    reference: str
    type: str
    type_name: str
    department: str
    status: str
    body: str
    reply: str
    submitted_at: datetime
    due_on: date
    decided_at: datetime | None
    overdue: bool
    prison_number: str
    assigned_to: str | None
    history: list[EventOut]

    @staticmethod
    def of(app: App, events: list[AppEvent]) -> "AppOut":
        return AppOut(
            id=app.pk,
            reference=app.reference,
            type=app.app_type.code,
            type_name=app.app_type.display_name,
            department=app.department.code,
            status=app.status,
            body=app.body,
            reply=app.reply,
            submitted_at=app.submitted_at,
            due_on=app.due_on,
            decided_at=app.decided_at,
            overdue=app.is_overdue(),
            prison_number=app.person.prison_number,
            assigned_to=app.assigned_to.get_username() if app.assigned_to else None,
            history=[EventOut.of(event) for event in events],
        )


class AppIn(Schema):
    app_type: int
    body: str
    idempotency_key: str = Field(description="Made by the device when the form is shown; resend it on a retry")


class KeyIn(Schema):
    idempotency_key: str | None = None


class RespondIn(KeyIn):
    decision: str = Field(description="APPROVED, DECLINED or REJECTED")
    reply: str


class CommentIn(KeyIn):
    text: str
    shared: bool = False


class ForwardIn(KeyIn):
    department: str = Field(description="The code of a department of the same establishment")
    comment: str = ""


class AssignIn(Schema):
    app_ids: list[int]
    assignee: str = Field(description="The username of a member of staff in the apps' department")


class AssignOut(Schema):
    assigned: int


# --- The resident's own apps (in-cell app) -------------------------------------------------------------------


@router.get("/apps/types", response={200: list[AppTypeOut], **ERRORS}, summary="App types the resident can send")
@requires(USE_APPS)
def app_types(request: HttpRequest) -> list[AppTypeOut]:
    return [
        AppTypeOut(
            id=o.app_type.pk,
            code=o.app_type.code,
            name=o.app_type.display_name,
            hint=o.app_type.display_hint,
            department=o.app_type.department.code,
            response_days=o.app_type.response_days,
            one_pending=o.app_type.one_pending,
            blocked=o.blocked,
        )
        for o in selectors.app_types_for_resident(user=acting_user(request))
    ]


@router.get("/apps/mine", response={200: list[AppOut], **ERRORS}, summary="The resident's own apps")
@requires(USE_APPS)
def my_apps(request: HttpRequest) -> list[AppOut]:
    apps = selectors.apps_of_resident(user=acting_user(request)).select_related("person", "assigned_to")[:100]
    return [AppOut.of(app, selectors.shared_events(app=app)) for app in apps]


@router.post(
    "/apps/mine",
    response={200: AppOut, 201: AppOut, **WRITE_ERRORS},
    summary="Send an app (idempotent)",
    auth=USE_FIRST,
)
@requires(USE_APPS)
def app_submit(request: HttpRequest, payload: AppIn) -> Status[AppOut]:
    user = acting_user(request)
    app_type = selectors.app_type_for_resident(user=user, type_id=payload.app_type)
    submitted = services.app_submit(
        user=user, app_type=app_type, body=payload.body, idempotency_key=payload.idempotency_key
    )
    app = submitted.app
    return Status(201 if submitted.created else 200, AppOut.of(app, selectors.shared_events(app=app)))


@router.get("/apps/mine/{int:app_id}", response={200: AppOut, **ERRORS}, summary="One of the resident's apps")
@requires(USE_APPS)
def my_app(request: HttpRequest, app_id: int) -> AppOut:
    app = selectors.app_of_resident(user=acting_user(request), app_id=app_id)
    return AppOut.of(app, selectors.shared_events(app=app))


# --- Staff queues --------------------------------------------------------------------------------------------


def _establishment(request: HttpRequest, user: User, code: str) -> Establishment | None:
    places = establishments_for(user=user)
    if code:
        return places.filter(code=code).first()
    chosen: Establishment | None = getattr(request, "establishment", None)
    return chosen or places.first()


@router.get("/apps/queue", response={200: list[AppOut], **ERRORS}, summary="A department queue, oldest deadline first")
@requires(ANSWER_APPS)
def queue(
    request: HttpRequest,
    establishment: str = "",
    department: str = "",
    status: str = "open",
    assigned: str = "",
    overdue: bool = False,
    escalated_to_me: bool = False,
    query: str = "",
    limit: int = 50,
    offset: int = 0,
) -> list[AppOut]:
    user = acting_user(request)
    filters = selectors.QueueFilters(
        department=department,
        status=status,
        assigned=assigned,
        overdue=overdue,
        escalated_to_me=escalated_to_me,
        query=query,
        today=timezone.localdate(),
    )
    place = _establishment(request, user, establishment)
    limit = max(1, min(limit, 200))
    apps = selectors.app_queue(user=user, establishment=place, filters=filters)[offset : offset + limit]
    return [AppOut.of(app, []) for app in apps]


def _staff_app(request: HttpRequest, app_id: int, establishment: str) -> tuple[User, App]:
    user = acting_user(request)
    place = _establishment(request, user, establishment)
    return user, selectors.app_for_staff(user=user, establishment=place, app_id=app_id)


@router.get("/apps/{int:app_id}", response={200: AppOut, **ERRORS}, summary="One app with its whole history (audited)")
@requires(ANSWER_APPS)
def staff_app(request: HttpRequest, app_id: int, establishment: str = "") -> AppOut:
    _user, app = _staff_app(request, app_id, establishment)
    return AppOut.of(app, selectors.app_history(app=app))


@router.post(
    "/apps/{int:app_id}/start",
    response={200: AppOut, **WRITE_ERRORS},
    summary="Start work on an app",
    auth=ANSWER_FIRST,
)
@requires(ANSWER_APPS)
def app_start(request: HttpRequest, app_id: int, payload: KeyIn, establishment: str = "") -> AppOut:
    user, app = _staff_app(request, app_id, establishment)
    app = services.app_start(app=app, by=user, idempotency_key=payload.idempotency_key)
    return AppOut.of(app, selectors.app_history(app=app))


@router.post(
    "/apps/{int:app_id}/respond", response={200: AppOut, **WRITE_ERRORS}, summary="Answer an app", auth=ANSWER_FIRST
)
@requires(ANSWER_APPS)
def app_respond(request: HttpRequest, app_id: int, payload: RespondIn, establishment: str = "") -> AppOut:
    user, app = _staff_app(request, app_id, establishment)
    app = services.app_respond(
        app=app, by=user, decision=payload.decision, reply=payload.reply, idempotency_key=payload.idempotency_key
    )
    return AppOut.of(app, selectors.app_history(app=app))


@router.post(
    "/apps/{int:app_id}/comment", response={200: AppOut, **WRITE_ERRORS}, summary="Comment on an app", auth=ANSWER_FIRST
)
@requires(ANSWER_APPS)
def app_comment(request: HttpRequest, app_id: int, payload: CommentIn, establishment: str = "") -> AppOut:
    user, app = _staff_app(request, app_id, establishment)
    app = services.app_comment(
        app=app, by=user, text=payload.text, shared=payload.shared, idempotency_key=payload.idempotency_key
    )
    return AppOut.of(app, selectors.app_history(app=app))


@router.post(
    "/apps/{int:app_id}/forward",
    response={200: AppOut, **WRITE_ERRORS},
    summary="Pass an app to another department",
    auth=ANSWER_FIRST,
)
@requires(ANSWER_APPS)
def app_forward(request: HttpRequest, app_id: int, payload: ForwardIn, establishment: str = "") -> AppOut:
    user, app = _staff_app(request, app_id, establishment)
    department = Department.objects.filter(establishment_id=app.establishment_id, code=payload.department).first()
    if department is None:
        raise InvalidInput("There is no such department here.", code="department_unknown", field="department")
    app = services.app_forward(
        app=app, by=user, department=department, comment=payload.comment, idempotency_key=payload.idempotency_key
    )
    return AppOut.of(app, selectors.app_history(app=app))


@router.post(
    "/apps/assign",
    response={200: AssignOut, **WRITE_ERRORS},
    summary="Give several apps to one person",
    auth=ANSWER_FIRST,
)
@requires(ANSWER_APPS)
def apps_assign(request: HttpRequest, payload: AssignIn, establishment: str = "") -> AssignOut:
    user = acting_user(request)
    place = _establishment(request, user, establishment)
    if place is None:
        raise NotVisible("No app found")
    assignee = selectors.assignable_staff(user=user, establishment=place).filter(username=payload.assignee).first()
    if assignee is None:
        raise InvalidInput("That person cannot be given apps here.", code="assignee_invalid", field="assignee")
    count = services.apps_assign(app_ids=payload.app_ids, assignee=assignee, by=user, establishment=place)
    return AssignOut(assigned=count)


# --- Money and canteen (the resident's own) ------------------------------------------------------------------

MONEY_FIRST = permission_first(USE_MONEY)


class BalanceOut(Schema):
    kind: str
    label: str
    pence: int


class EntryOut(Schema):
    seq: int
    at: datetime
    kind: str
    description: str
    amount: int = Field(description="Pence: positive in, negative out")
    balance_after: int


class ItemOut(Schema):
    id: int
    code: str
    name: str
    price: int
    stock: int


class CanteenOut(Schema):
    items: list[ItemOut]
    closes_at: datetime
    weekly_limit: int | None
    spent_this_week: int
    spends: int


class CanteenIn(Schema):
    items: dict[int, int] = Field(description="Item id -> how many")
    idempotency_key: str


class LineOut(Schema):
    item: str
    quantity: int
    unit_price: int
    unavailable: bool


class OrderOut(Schema):
    id: int
    status: str
    week_closes_at: datetime
    total: int
    refunded: int
    lines: list[LineOut]
    spends_after: int


class TransferIn(Schema):
    from_kind: str
    to_kind: str
    amount: int = Field(description="Pence")
    idempotency_key: str


def _order_out(order: CanteenOrder, spends: int) -> OrderOut:
    return OrderOut(
        id=order.pk,
        status=order.status,
        week_closes_at=order.week_closes_at,
        total=order.total,
        refunded=order.refunded,
        lines=[
            LineOut(
                item=line.item.code, quantity=line.quantity, unit_price=line.unit_price, unavailable=line.unavailable
            )
            for line in order.lines.select_related("item")
        ],
        spends_after=spends,
    )


@router.get("/money", response={200: list[BalanceOut], **ERRORS}, summary="The resident's balances")
@requires(USE_MONEY)
def money(request: HttpRequest) -> list[BalanceOut]:
    return [
        BalanceOut(kind=b.kind, label=b.label, pence=b.pence)
        for b in money_selectors.balances_of_resident(user=acting_user(request))
    ]


@router.post(
    "/money/transfer",
    response={200: list[BalanceOut], **WRITE_ERRORS},
    summary="Move money between the resident's own accounts, as the rules allow (idempotent)",
    auth=MONEY_FIRST,
)
@requires(USE_MONEY)
def money_transfer(request: HttpRequest, payload: TransferIn) -> list[BalanceOut]:
    user = acting_user(request)
    money_services.money_transfer(
        by=user,
        person=selectors.resident_person(user=user),
        from_kind=payload.from_kind,
        to_kind=payload.to_kind,
        amount=payload.amount,
        idempotency_key=payload.idempotency_key,
    )
    return money(request)


@router.get("/money/{kind}", response={200: list[EntryOut], **ERRORS}, summary="A statement, newest first")
@requires(USE_MONEY)
def statement(request: HttpRequest, kind: str) -> list[EntryOut]:
    entries = money_selectors.statement_of_resident(user=acting_user(request), kind=kind)
    return [
        EntryOut(
            seq=e.seq, at=e.at, kind=e.kind, description=e.description, amount=e.amount, balance_after=e.balance_after
        )
        for e in entries
    ]


@router.get("/canteen", response={200: CanteenOut, **ERRORS}, summary="This week's canteen list and limits")
@requires(USE_MONEY)
def canteen(request: HttpRequest) -> CanteenOut:
    week = money_selectors.canteen_week_of_resident(user=acting_user(request))
    return CanteenOut(
        items=[ItemOut(id=i.pk, code=i.code, name=i.display_name, price=i.price, stock=i.stock) for i in week.items],
        closes_at=week.closes_at,
        weekly_limit=week.limit,
        spent_this_week=week.spent,
        spends=week.spends,
    )


@router.post(
    "/canteen",
    response={200: OrderOut, 201: OrderOut, **WRITE_ERRORS},
    summary="Place a canteen order (idempotent)",
    auth=MONEY_FIRST,
)
@requires(USE_MONEY)
def canteen_order_place(request: HttpRequest, payload: CanteenIn) -> Status[OrderOut]:
    user = acting_user(request)
    placed = money_services.canteen_order_place(
        user=user, quantities=payload.items, idempotency_key=payload.idempotency_key
    )
    spends = money_selectors.spends_of_resident(user=user)
    return Status(201 if placed.created else 200, _order_out(placed.order, spends))


@router.get("/canteen/orders/{int:order_id}", response={200: OrderOut, **ERRORS}, summary="One canteen order")
@requires(USE_MONEY)
def canteen_order(request: HttpRequest, order_id: int) -> OrderOut:
    user = acting_user(request)
    order = money_selectors.order_of_resident(user=user, order_id=order_id)
    return _order_out(order, money_selectors.spends_of_resident(user=user))


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
    stage: str = Field(description="COMP1 or COMP2 (an appeal is made on the complaint it appeals)")
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
def my_complaint(request: HttpRequest, complaint_id: int) -> ComplaintOut:
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
    place = _establishment(request, user, establishment)
    complaints = complaint_selectors.complaint_queue(user=user, establishment=place, open_only=open_only)[:200]
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
) -> ComplaintOut:
    user = acting_user(request)
    place = _establishment(request, user, establishment)
    complaint = complaint_selectors.complaint_for_staff(user=user, establishment=place, complaint_id=complaint_id)
    return ComplaintOut.of(complaint_services.complaint_answer(by=user, complaint=complaint, reply=payload.reply))


# --- Content library, recorded group sessions and notices (selfservice/content/api.py) ------------------------

from throughgate.selfservice.content.api import router as content_router  # noqa: E402

router.add_router("", content_router)
