"""Test helpers for the learning app: a course, a person taken through it, an issued badge."""

from __future__ import annotations

from typing import Any

from throughgate.identity.models import Establishment, User
from throughgate.learning.courses import services
from throughgate.learning.courses.models import Course, Enrolment
from throughgate.learning.passport import services as passport_services
from throughgate.learning.passport.models import Credential
from throughgate.people.models import Person


def make_course(establishment: Establishment, **fields: Any) -> Course:
    values: dict[str, Any] = {
        "code": f"course-{Course.objects.count() + 1}",
        "title": "Functional Skills English",
        "area": "ENGLISH",
        "level": "L1",
        "hours": 45,
        "capacity": 10,
        "qualification": "Functional Skills Qualification in English at Level 1",
        "description": "Reading, writing, speaking and listening for work and everyday life.",
    }
    values.update(fields)
    return Course.objects.create(establishment=establishment, **values)


def completed(person: Person, course: Course, by: User, *, qualification: bool | None = None) -> Enrolment:
    """The person asked, was given a place and completed the course."""
    from django.utils import timezone

    enrolment = Enrolment.objects.create(course=course, person=person, requested_at=timezone.now())
    services.enrolment_allocate(by=by, enrolment=enrolment)
    gained = bool(course.qualification) if qualification is None else qualification
    return services.enrolment_complete(by=by, enrolment=enrolment, qualification_achieved=gained, grade="Pass")


def issued(person: Person, course: Course, by: User, kind: str = "COMPLETION") -> Credential:
    return passport_services.credential_issue(by=by, enrolment=completed(person, course, by), kind=kind)
