"""Writes of courses: the catalogue, a resident asking to join (once per idempotency key), and education staff giving
places, recording progress, completions and English and maths assessments. Each checks, changes, audits and emits in
one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import activity, audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition, LimitExceeded, NotVisible
from throughgate.core.idempotency import clean_idempotency_key
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.learning import events
from throughgate.learning.courses.models import (
    Assessment,
    Course,
    CourseArea,
    CourseMode,
    Enrolment,
    EnrolmentStatus,
    Level,
    Subject,
)
from throughgate.learning.permissions import MANAGE_COURSES, USE_COURSES
from throughgate.people.models import Person
from throughgate.people.selectors import own_record_for

SOURCE = "learning"


def _ensure_staff_in(user: User, establishment: Establishment) -> None:
    ensure_can(user, MANAGE_COURSES)
    if not staff_may_act_in(user, establishment):
        raise NotVisible(_("Not found"))


@dataclass(frozen=True)
class CourseInput:
    code: str
    title: str
    area: str
    level: str
    mode: str = CourseMode.CLASSROOM
    hours: int = 30
    capacity: int = 12
    qualification: str = ""
    description: str = ""
    title_cy: str = ""
    description_cy: str = ""
    active: bool = True


def _check_course(data: CourseInput) -> None:
    if not data.code.strip():
        raise InvalidInput(_("Enter a short code for the course."), code="required", field="code")
    if not data.title.strip():
        raise InvalidInput(_("Enter the course's title."), code="required", field="title")
    if data.area not in CourseArea.values:
        raise InvalidInput(_("Choose a curriculum area."), code="invalid", field="area")
    if data.level not in Level.values:
        raise InvalidInput(_("Choose a level."), code="invalid", field="level")
    if data.mode not in CourseMode.values:
        raise InvalidInput(_("Choose how it is taught."), code="invalid", field="mode")
    if not 1 <= data.capacity <= 500:
        raise InvalidInput(_("Enter a number of places from 1 to 500."), code="invalid", field="capacity")
    if not 1 <= data.hours <= 2000:
        raise InvalidInput(_("Enter guided learning hours from 1 to 2000."), code="invalid", field="hours")


@transaction.atomic
def course_save(*, by: User, establishment: Establishment, data: CourseInput, course: Course | None = None) -> Course:
    """Add a course to an establishment's catalogue, or change one."""
    _ensure_staff_in(by, establishment)
    _check_course(data)
    if course is not None and course.establishment_id != establishment.pk:
        raise NotVisible(_("No course found"))
    clash = Course.objects.filter(establishment=establishment, code=data.code.strip())
    if course is not None:
        clash = clash.exclude(pk=course.pk)
    if clash.exists():
        raise InvalidInput(_("Another course already has this code."), code="code_taken", field="code")
    course = course or Course(establishment=establishment)
    for field in (
        "title",
        "title_cy",
        "description",
        "description_cy",
        "area",
        "level",
        "mode",
        "hours",
        "capacity",
        "qualification",
        "active",
    ):
        value = getattr(data, field)
        setattr(course, field, value.strip() if isinstance(value, str) else value)
    course.code = data.code.strip()
    course.save()
    audit.record(action=events.COURSE_SAVED, actor=by, obj=course, detail={"code": course.code})
    return course


@dataclass(frozen=True)
class Asked:
    enrolment: Enrolment
    created: bool


def course_request(*, user: User, course: Course, idempotency_key: str) -> Asked:
    """A resident asks to join a course of their prison: they go on its waiting list. Once per key; asking again
    while already waiting or on the course is refused."""
    ensure_can(user, USE_COURSES)
    person = own_record_for(user=user, permission=USE_COURSES)
    key = clean_idempotency_key(idempotency_key)
    existing = Enrolment.objects.filter(person=person, idempotency_key=key).first()
    if existing is not None:
        return Asked(existing, created=False)
    if course.establishment_id != person.establishment_id or not course.active:
        raise NotVisible(_("No course found"))
    if course.enrolments.filter(
        person=person, status__in=[EnrolmentStatus.REQUESTED, EnrolmentStatus.ALLOCATED]
    ).exists():
        raise LimitExceeded(_("You have already asked to join this course."), code="already_asked")
    now = timezone.now()
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(course=course, person=person, requested_at=now, idempotency_key=key)
            audit.record(
                action=events.COURSE_REQUESTED,
                actor=user,
                subject=person.prison_number,
                obj=enrolment,
                detail={"course": course.pk},
            )
            activity.emit(
                person=person.prison_number,
                kind=events.COURSE_REQUESTED_KIND,
                occurred_at=now,
                source=SOURCE,
                idempotency_key=f"course.requested:{enrolment.pk}",
                payload={"course": course.code, "area": course.area, "level": course.level},
            )
    except IntegrityError:
        existing = Enrolment.objects.filter(person=person, idempotency_key=key).first()
        if existing is None:
            raise LimitExceeded(_("You have already asked to join this course."), code="already_asked") from None
        return Asked(existing, created=False)
    return Asked(enrolment, created=True)


def _locked(by: User, enrolment: Enrolment) -> Enrolment:
    locked = Enrolment.objects.select_for_update().select_related("course", "person").get(pk=enrolment.pk)
    _ensure_staff_in(by, locked.course.establishment)
    return locked


@transaction.atomic
def enrolment_allocate(*, by: User, enrolment: Enrolment) -> Enrolment:
    """Give a person on the waiting list a place, if the course has one free."""
    enrolment = _locked(by, enrolment)
    if enrolment.status != EnrolmentStatus.REQUESTED:
        raise InvalidTransition(_("This person is not on the waiting list."), code="not_waiting")
    course = Course.objects.select_for_update().get(pk=enrolment.course_id)
    taken = course.enrolments.filter(status=EnrolmentStatus.ALLOCATED).count()
    if taken >= course.capacity:
        raise LimitExceeded(
            _("The course is full (%(places)d places). Complete or stop a place first.") % {"places": course.capacity},
            code="course_full",
        )
    now = timezone.now()
    enrolment.status = EnrolmentStatus.ALLOCATED
    enrolment.allocated_at = now
    enrolment.allocated_by = by
    enrolment.save(update_fields=["status", "allocated_at", "allocated_by"])
    audit.record(
        action=events.ENROLMENT_ALLOCATED,
        actor=by,
        subject=enrolment.person.prison_number,
        obj=enrolment,
        purpose="education",
        detail={"course": course.pk},
    )
    activity.emit(
        person=enrolment.person.prison_number,
        kind=events.COURSE_ENROLLED_KIND,
        occurred_at=now,
        source=SOURCE,
        idempotency_key=f"course.enrolled:{enrolment.pk}",
        payload={"course": course.code, "area": course.area, "level": course.level},
    )
    return enrolment


@transaction.atomic
def enrolment_progress(*, by: User, enrolment: Enrolment, progress: int) -> Enrolment:
    """Record how far through the course a learner is (per cent)."""
    enrolment = _locked(by, enrolment)
    if enrolment.status != EnrolmentStatus.ALLOCATED:
        raise InvalidTransition(_("Only a person on the course has progress."), code="not_on_course")
    if not 0 <= progress <= 100:
        raise InvalidInput(_("Enter a number from 0 to 100."), code="invalid", field="progress")
    enrolment.progress = progress
    enrolment.save(update_fields=["progress"])
    audit.record(
        action=events.ENROLMENT_PROGRESS,
        actor=by,
        subject=enrolment.person.prison_number,
        obj=enrolment,
        purpose="education",
        detail={"progress": progress},
    )
    return enrolment


@transaction.atomic
def enrolment_complete(*, by: User, enrolment: Enrolment, qualification_achieved: bool, grade: str = "") -> Enrolment:
    """Record that a learner completed the course and, if it leads to one, whether they gained the qualification."""
    enrolment = _locked(by, enrolment)
    if enrolment.status != EnrolmentStatus.ALLOCATED:
        raise InvalidTransition(_("Only a person on the course can complete it."), code="not_on_course")
    if qualification_achieved and not enrolment.course.qualification:
        raise InvalidInput(
            _("This course does not lead to a qualification."), code="no_qualification", field="qualification_achieved"
        )
    if len(grade.strip()) > 40:
        raise InvalidInput(_("Use 40 characters or fewer."), code="too_long", field="grade")
    now = timezone.now()
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.progress = 100
    enrolment.completed_at = now
    enrolment.completed_by = by
    enrolment.qualification_achieved = qualification_achieved
    enrolment.grade = grade.strip() if qualification_achieved else ""
    enrolment.save(
        update_fields=["status", "progress", "completed_at", "completed_by", "qualification_achieved", "grade"]
    )
    audit.record(
        action=events.ENROLMENT_COMPLETED,
        actor=by,
        subject=enrolment.person.prison_number,
        obj=enrolment,
        purpose="education",
        detail={"course": enrolment.course_id, "qualification": qualification_achieved},
    )
    activity.emit(
        person=enrolment.person.prison_number,
        kind=events.COURSE_COMPLETED_KIND,
        occurred_at=now,
        source=SOURCE,
        idempotency_key=f"course.completed:{enrolment.pk}",
        payload={
            "course": enrolment.course.code,
            "area": enrolment.course.area,
            "level": enrolment.course.level,
            "qualification": qualification_achieved,
        },
    )
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, by: User, enrolment: Enrolment, reason: str) -> Enrolment:
    """Take a person off the waiting list or the course, with a reason."""
    enrolment = _locked(by, enrolment)
    if enrolment.status not in (EnrolmentStatus.REQUESTED, EnrolmentStatus.ALLOCATED):
        raise InvalidTransition(_("This place has already ended."), code="already_ended")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the place is ending."), code="required", field="reason")
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.ended_reason = reason[:200]
    enrolment.save(update_fields=["status", "ended_reason"])
    audit.record(
        action=events.ENROLMENT_WITHDRAWN,
        actor=by,
        subject=enrolment.person.prison_number,
        obj=enrolment,
        purpose="education",
        detail={"course": enrolment.course_id},
    )
    return enrolment


@transaction.atomic
def assessment_record(
    *, by: User, establishment: Establishment, person: Person, subject: str, level: str, assessed_on: date
) -> Assessment:
    """Record an English or maths assessment level for a person in the establishment."""
    _ensure_staff_in(by, establishment)
    if person.establishment_id != establishment.pk:
        raise NotVisible(_("No person with that prison number was found"))
    if subject not in Subject.values:
        raise InvalidInput(_("Choose English or maths."), code="invalid", field="subject")
    if level not in Level.values:
        raise InvalidInput(_("Choose a level."), code="invalid", field="level")
    if assessed_on > timezone.localdate():
        raise InvalidInput(_("The date cannot be in the future."), code="future", field="assessed_on")
    assessment = Assessment.objects.create(
        person=person,
        establishment=establishment,
        subject=subject,
        level=level,
        assessed_on=assessed_on,
        recorded_by=by,
    )
    audit.record(
        action=events.ASSESSMENT_RECORDED,
        actor=by,
        subject=person.prison_number,
        obj=assessment,
        purpose="education",
        detail={"subject": subject, "level": level},
    )
    return assessment
