"""Apps on the JSON API (/api/v1/selfservice/): the in-cell app's apps, and the staff queue operations.
The same services and selectors as the pages; the same idempotency: a POST with a key already used answers 200 with
the app stored the first time (201 when it is new)."""

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from throughgate.core.access import requires
from throughgate.core.errors import InvalidInput, NotVisible
from throughgate.identity.api import ERRORS, WRITE_ERRORS, ApiId, Router, acting_user, permission_first
from throughgate.identity.models import User
from throughgate.identity.selectors import establishment_named
from throughgate.selfservice.applications import selectors, services
from throughgate.selfservice.applications.models import App, AppEvent
from throughgate.selfservice.permissions import ANSWER_APPS, USE_APPS

router = Router(published_as="throughgate.selfservice.api")  # the operation ids the API was first published with
ANSWER_FIRST = permission_first(ANSWER_APPS)
USE_FIRST = permission_first(USE_APPS)


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
    app_type: ApiId
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
    app_ids: list[ApiId]
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
def my_app(request: HttpRequest, app_id: int) -> "AppOut":
    app = selectors.app_of_resident(user=acting_user(request), app_id=app_id)
    return AppOut.of(app, selectors.shared_events(app=app))


# --- Staff queues --------------------------------------------------------------------------------------------


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
    place = establishment_named(request, user=user, code=establishment)
    limit = max(1, min(limit, 200))
    offset = min(max(0, offset), 1_000_000)
    apps = selectors.app_queue_read(user=user, establishment=place, filters=filters, offset=offset, limit=limit)
    return [AppOut.of(app, []) for app in apps]


def _staff_app(request: HttpRequest, app_id: int, establishment: str) -> tuple[User, App]:
    user = acting_user(request)
    place = establishment_named(request, user=user, code=establishment)
    return user, selectors.app_for_staff(user=user, establishment=place, app_id=app_id)


@router.get("/apps/{int:app_id}", response={200: AppOut, **ERRORS}, summary="One app with its whole history (audited)")
@requires(ANSWER_APPS)
def staff_app(request: HttpRequest, app_id: int, establishment: str = "") -> "AppOut":
    _user, app = _staff_app(request, app_id, establishment)
    return AppOut.of(app, selectors.app_history(app=app))


@router.post(
    "/apps/{int:app_id}/start",
    response={200: AppOut, **WRITE_ERRORS},
    summary="Start work on an app",
    auth=ANSWER_FIRST,
)
@requires(ANSWER_APPS)
def app_start(request: HttpRequest, app_id: int, payload: KeyIn, establishment: str = "") -> "AppOut":
    user, app = _staff_app(request, app_id, establishment)
    app = services.app_act(app=app, by=user, action="start", data={}, idempotency_key=payload.idempotency_key)
    return AppOut.of(app, selectors.app_history(app=app))


@router.post(
    "/apps/{int:app_id}/respond", response={200: AppOut, **WRITE_ERRORS}, summary="Answer an app", auth=ANSWER_FIRST
)
@requires(ANSWER_APPS)
def app_respond(request: HttpRequest, app_id: int, payload: RespondIn, establishment: str = "") -> "AppOut":
    user, app = _staff_app(request, app_id, establishment)
    app = services.app_act(
        app=app, by=user, action="respond", data=payload.model_dump(), idempotency_key=payload.idempotency_key
    )
    return AppOut.of(app, selectors.app_history(app=app))


@router.post(
    "/apps/{int:app_id}/comment", response={200: AppOut, **WRITE_ERRORS}, summary="Comment on an app", auth=ANSWER_FIRST
)
@requires(ANSWER_APPS)
def app_comment(request: HttpRequest, app_id: int, payload: CommentIn, establishment: str = "") -> "AppOut":
    user, app = _staff_app(request, app_id, establishment)
    app = services.app_act(
        app=app, by=user, action="comment", data=payload.model_dump(), idempotency_key=payload.idempotency_key
    )
    return AppOut.of(app, selectors.app_history(app=app))


@router.post(
    "/apps/{int:app_id}/forward",
    response={200: AppOut, **WRITE_ERRORS},
    summary="Pass an app to another department",
    auth=ANSWER_FIRST,
)
@requires(ANSWER_APPS)
def app_forward(request: HttpRequest, app_id: int, payload: ForwardIn, establishment: str = "") -> "AppOut":
    user, app = _staff_app(request, app_id, establishment)
    app = services.app_act(
        app=app, by=user, action="forward", data=payload.model_dump(), idempotency_key=payload.idempotency_key
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
    place = establishment_named(request, user=user, code=establishment)
    if place is None:
        raise NotVisible("No app found")
    assignee = selectors.assignable_staff(user=user, establishment=place).filter(username=payload.assignee).first()
    if assignee is None:
        raise InvalidInput("That person cannot be given apps here.", code="assignee_invalid", field="assignee")
    count = services.apps_assign(app_ids=payload.app_ids, assignee=assignee, by=user, establishment=place)
    return AssignOut(assigned=count)
