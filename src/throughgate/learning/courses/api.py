"""Courses on the JSON API (/api/v1/learning/), for the in-cell app: the resident's catalogue, their places, and
asking to join (idempotent)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Schema, Status

from throughgate.core.access import requires
from throughgate.identity.api import ERRORS, WRITE_ERRORS, Router, acting_user, permission_first
from throughgate.learning.courses import selectors, services
from throughgate.learning.courses.models import Course, Enrolment
from throughgate.learning.permissions import USE_COURSES

router = Router()
COURSES_FIRST = permission_first(USE_COURSES)


class CourseOut(Schema):
    id: int
    title: str
    description: str
    area: str
    level: str
    mode: str
    hours: int
    qualification: str

    @staticmethod
    def of(course: Course) -> "CourseOut":
        return CourseOut(
            id=course.pk,
            title=course.display_title,
            description=course.display_description,
            area=course.area,
            level=course.level,
            mode=course.mode,
            hours=course.hours,
            qualification=course.qualification,
        )


class PlaceOut(Schema):
    id: int
    course: CourseOut
    status: str
    progress: int
    waiting_position: int | None
    requested_at: datetime
    completed_at: datetime | None

    @staticmethod
    def of(enrolment: Enrolment) -> "PlaceOut":
        return PlaceOut(
            id=enrolment.pk,
            course=CourseOut.of(enrolment.course),
            status=enrolment.status,
            progress=enrolment.progress,
            waiting_position=selectors.waiting_position(enrolment),
            requested_at=enrolment.requested_at,
            completed_at=enrolment.completed_at,
        )


class JoinIn(Schema):
    idempotency_key: str


@router.get("/courses", response={200: list[CourseOut], **ERRORS}, summary="Courses the resident can join")
@requires(USE_COURSES)
def courses(request: HttpRequest) -> list[CourseOut]:
    return [CourseOut.of(c) for c in selectors.courses_open_to_resident(user=acting_user(request))]


@router.get("/courses/mine", response={200: list[PlaceOut], **ERRORS}, summary="The resident's places on courses")
@requires(USE_COURSES)
def my_places(request: HttpRequest) -> list[PlaceOut]:
    return [PlaceOut.of(e) for e in selectors.enrolments_of_resident(user=acting_user(request))[:100]]


@router.post(
    "/courses/{int:course_id}/join",
    response={200: PlaceOut, 201: PlaceOut, **WRITE_ERRORS},
    summary="Ask to join a course (idempotent): the resident goes on its waiting list",
    auth=COURSES_FIRST,
)
@requires(USE_COURSES)
def course_join(request: HttpRequest, course_id: int, payload: JoinIn) -> Status[PlaceOut]:
    user = acting_user(request)
    course = selectors.course_for_resident(user=user, course_id=course_id)
    asked = services.course_request(user=user, course=course, idempotency_key=payload.idempotency_key)
    return Status(201 if asked.created else 200, PlaceOut.of(asked.enrolment))
