"""Reads of courses: a resident sees their own prison's open courses and their own places; education staff see the
courses, waiting lists and learners of the establishment they act in (reading learners is audited)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.errors import NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.learning import events
from throughgate.learning.courses.models import Assessment, Course, Enrolment, EnrolmentStatus, Subject
from throughgate.learning.permissions import MANAGE_COURSES, USE_COURSES
from throughgate.people.models import Person
from throughgate.people.selectors import own_record_for, people_visible_to

PURPOSE = "education"


# --- Residents --------------------------------------------------------------------------------------------------


def courses_open_to_resident(*, user: User) -> QuerySet[Course]:
    person = own_record_for(user=user, permission=USE_COURSES)
    return Course.objects.filter(establishment=person.establishment, active=True)


def course_for_resident(*, user: User, course_id: int) -> Course:
    course = courses_open_to_resident(user=user).filter(pk=course_id).first()
    if course is None:
        raise NotVisible(_("No course found"))
    return course


def enrolments_of_resident(*, user: User) -> QuerySet[Enrolment]:
    person = own_record_for(user=user, permission=USE_COURSES)
    return Enrolment.objects.filter(person=person).select_related("course").order_by("-requested_at", "-id")


def waiting_position(enrolment: Enrolment) -> int | None:
    """Where a person is on a course's waiting list (1 is next), or None when they are not waiting."""
    if enrolment.status != EnrolmentStatus.REQUESTED:
        return None
    ahead = Enrolment.objects.filter(
        course_id=enrolment.course_id, status=EnrolmentStatus.REQUESTED, requested_at__lt=enrolment.requested_at
    ).count()
    return ahead + 1


# --- Staff ------------------------------------------------------------------------------------------------------


def courses_for_staff(*, user: User, establishment: Establishment | None) -> QuerySet[Course]:
    if not user.has_perm(MANAGE_COURSES) or not staff_may_act_in(user, establishment):
        return Course.objects.none()
    return Course.objects.filter(establishment=establishment).annotate(
        waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.REQUESTED)),
        on_course=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ALLOCATED)),
        completed=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.COMPLETED)),
    )


def course_for_staff(*, user: User, establishment: Establishment | None, course_id: int) -> Course:
    course = courses_for_staff(user=user, establishment=establishment).filter(pk=course_id).first()
    if course is None:
        raise NotVisible(_("No course found"))
    return course


@dataclass(frozen=True)
class LearnerRow:
    enrolment: Enrolment
    english: str  # latest assessed level code, "" if none
    maths: str


def latest_levels(person_ids: list[int]) -> dict[int, dict[str, str]]:
    """Each person's latest English and maths assessment levels."""
    levels: dict[int, dict[str, str]] = {}
    for person_id, subject, level in Assessment.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "subject", "level"
    ):  # newest first (the model's ordering): keep the first seen
        levels.setdefault(person_id, {}).setdefault(subject, level)
    return levels


@dataclass(frozen=True)
class Learners:
    waiting: list[LearnerRow]
    on_course: list[LearnerRow]
    completed: list[LearnerRow]


def course_learners_read(*, user: User, establishment: Establishment | None, course: Course) -> Learners:
    """A course's waiting list (oldest request first), learners and completions, with assessment levels. Audited."""
    course = course_for_staff(user=user, establishment=establishment, course_id=course.pk)
    enrolments = list(
        course.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("person")
        .order_by("requested_at", "id")
    )
    levels = latest_levels([e.person_id for e in enrolments])

    def row(enrolment: Enrolment) -> LearnerRow:
        mine = levels.get(enrolment.person_id, {})
        return LearnerRow(enrolment, mine.get(Subject.ENGLISH, ""), mine.get(Subject.MATHS, ""))

    audit.record(
        action=events.LEARNERS_VIEWED,
        actor=user,
        obj=course,
        purpose=PURPOSE,
        detail={"course": course.pk, "count": len(enrolments)},
    )
    return Learners(
        waiting=[row(e) for e in enrolments if e.status == EnrolmentStatus.REQUESTED],
        on_course=[row(e) for e in enrolments if e.status == EnrolmentStatus.ALLOCATED],
        completed=[row(e) for e in enrolments if e.status == EnrolmentStatus.COMPLETED],
    )


def enrolment_for_staff(*, user: User, establishment: Establishment | None, enrolment_id: int) -> Enrolment:
    courses = courses_for_staff(user=user, establishment=establishment)
    enrolment = (
        Enrolment.objects.filter(pk=enrolment_id, course__in=courses.values("pk"))
        .select_related("course", "person")
        .first()
    )
    if enrolment is None:
        raise NotVisible(_("No place on a course found"))
    return enrolment


def learner_for_staff(*, user: User, establishment: Establishment | None, prison_number: str) -> Person:
    """A person in the establishment, for education staff. Audited as a read of their learning record."""
    if not user.has_perm(MANAGE_COURSES) or not staff_may_act_in(user, establishment):
        raise NotVisible(_("No person with that prison number was found"))
    person = people_visible_to(user=user, establishment=establishment).filter(prison_number=prison_number).first()
    if person is None:
        raise NotVisible(_("No person with that prison number was found"))
    audit.record(action=events.LEARNER_VIEWED, actor=user, subject=person.prison_number, obj=person, purpose=PURPOSE)
    return person


@dataclass(frozen=True)
class LearningRecord:
    assessments: list[Assessment]
    enrolments: list[Enrolment]


def learning_record(*, person: Person) -> LearningRecord:
    """A person's assessments and courses (for a page that has already checked who may read them)."""
    return LearningRecord(
        assessments=list(Assessment.objects.filter(person=person)[:20]),
        enrolments=list(Enrolment.objects.filter(person=person).select_related("course").order_by("-requested_at")),
    )
