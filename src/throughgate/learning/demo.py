"""Demo learning data: a course catalogue in every establishment, English and maths assessments, waiting lists,
learners part-way through, completions, and signed skills passport badges (one revoked, to show it). The first
resident of each prison (the ones the demo offers for the kiosk) has a badge and a place on the waiting list.
Everything goes through the services, so the events, audit rows and signatures are the real ones."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from django.apps import apps as django_apps
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from throughgate.identity.models import Establishment, User
from throughgate.learning.courses import services
from throughgate.learning.courses.models import Course, Enrolment
from throughgate.learning.passport import services as passport_services
from throughgate.learning.passport.models import Credential
from throughgate.people.models import Person

# code, title, Welsh title, area, level, mode, hours, places, qualification, description
CATALOGUE = (
    (
        "fs-english-e3",
        "English skills",
        "Sgiliau Saesneg",
        "ENGLISH",
        "E3",
        "CLASSROOM",
        40,
        12,
        "Functional Skills Qualification in English at Entry Level 3",
        "Reading, writing, speaking and listening.",
    ),
    (
        "fs-english-l1",
        "Functional Skills English",
        "Sgiliau Gweithredol Saesneg",
        "ENGLISH",
        "L1",
        "CLASSROOM",
        45,
        12,
        "Functional Skills Qualification in English at Level 1",
        "English for work and everyday life.",
    ),
    (
        "fs-maths-e3",
        "Maths skills",
        "Sgiliau mathemateg",
        "MATHS",
        "E3",
        "CLASSROOM",
        40,
        12,
        "Functional Skills Qualification in Mathematics at Entry Level 3",
        "Numbers, money, time and measures.",
    ),
    (
        "fs-maths-l1",
        "Functional Skills maths",
        "Sgiliau Gweithredol mathemateg",
        "MATHS",
        "L1",
        "CLASSROOM",
        45,
        12,
        "Functional Skills Qualification in Mathematics at Level 1",
        "Maths for work and everyday life.",
    ),
    (
        "digital-e3",
        "Using a computer",
        "Defnyddio cyfrifiadur",
        "DIGITAL",
        "E3",
        "CLASSROOM",
        30,
        10,
        "",
        "Email, forms, staying safe online and finding information.",
    ),
    (
        "food-safety-l2",
        "Food safety in catering",
        "Diogelwch bwyd mewn arlwyo",
        "VOCATIONAL",
        "L2",
        "CLASSROOM",
        12,
        10,
        "Level 2 Award in Food Safety in Catering",
        "Safe food handling for kitchen work.",
    ),
    (
        "construction-l1",
        "Health and safety on a building site",
        "Iechyd a diogelwch ar safle adeiladu",
        "VOCATIONAL",
        "L1",
        "CLASSROOM",
        10,
        12,
        "Level 1 Award in Health and Safety in a Construction Environment",
        "What you need before you can get a site card.",
    ),
    (
        "work-ready-e3",
        "Getting ready for work",
        "Paratoi am waith",
        "EMPLOYABILITY",
        "E3",
        "IN_CELL",
        20,
        40,
        "",
        "CVs, disclosure, interviews and your first weeks in a job. Study in your cell.",
    ),
)


def populate(*, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    rng = random.Random(f"learning:{seed}")  # noqa: S311  (demo data)
    now = timezone.now()
    counts = {"courses": 0, "places on courses": 0, "skills passport badges": 0}
    with transaction.atomic():
        for establishment in Establishment.objects.order_by("code"):
            staff = (
                User.objects.filter(roles__code="education", assignments__establishment=establishment)
                .order_by("username")
                .first()
            )
            if staff is None:
                continue
            courses = [_course(establishment, row) for row in CATALOGUE]
            counts["courses"] += len(courses)
            people = list(
                Person.objects.filter(establishment=establishment, user__isnull=False)
                .filter(Q(release_date__isnull=True) | Q(release_date__gt=now.date()))
                .order_by("pk")[:40]
            )
            for n, person in enumerate(people):
                counts["places on courses"] += _learner(n, person, courses, staff, rng, now)
        counts["skills passport badges"] = _issue_badges(now)
    say(f"  learning: {counts['courses']} courses, {counts['skills passport badges']} badges")
    return counts


def _course(establishment: Establishment, row: tuple[object, ...]) -> Course:
    code, title, title_cy, area, level, mode, hours, places, qualification, description = row
    course, _made = Course.objects.get_or_create(
        establishment=establishment,
        code=str(code),
        defaults={
            "title": title,
            "title_cy": title_cy,
            "area": area,
            "level": level,
            "mode": mode,
            "hours": hours,
            "capacity": places,
            "qualification": qualification,
            "description": description,
        },
    )
    return course


def _learner(n: int, person: Person, courses: list[Course], staff: User, rng: random.Random, now: object) -> int:
    """One person's assessments and places. The first person of a prison completes English and waits for maths."""
    from throughgate.learning.courses.models import Assessment

    if Enrolment.objects.filter(person=person).exists():
        return 0
    day = timezone.localdate() - timedelta(days=rng.randint(60, 200))
    Assessment.objects.create(
        person=person,
        establishment=courses[0].establishment,
        subject="ENGLISH",
        level=rng.choice(["E2", "E3", "L1"]),
        assessed_on=day,
        recorded_by=staff,
    )
    Assessment.objects.create(
        person=person,
        establishment=courses[0].establishment,
        subject="MATHS",
        level=rng.choice(["E1", "E2", "E3"]),
        assessed_on=day,
        recorded_by=staff,
    )
    made = 0
    plan = "completed" if n == 0 else rng.choice(["waiting", "waiting", "on course", "on course", "completed", "none"])
    picks = rng.sample(courses, 2)
    if n == 0:
        picks = [courses[1], courses[3]]
    if plan == "none":
        return 0
    first = Enrolment.objects.create(
        course=picks[0], person=person, requested_at=timezone.now() - timedelta(days=rng.randint(20, 90))
    )
    made += 1
    if plan in ("on course", "completed"):
        try:
            services.enrolment_allocate(by=staff, enrolment=first)
        except Exception:  # noqa: BLE001  (a full course: they stay on the waiting list)
            return made
        services.enrolment_progress(by=staff, enrolment=first, progress=rng.randint(10, 90))
        if plan == "completed":
            services.enrolment_complete(
                by=staff, enrolment=first, qualification_achieved=bool(picks[0].qualification), grade="Pass"
            )
            Enrolment.objects.create(course=picks[1], person=person, requested_at=timezone.now())
            made += 1
    return made


def _issue_badges(now: object) -> int:
    """A badge for every completion (and its qualification), signed by the education staff of the prison."""
    issued = 0
    for enrolment in Enrolment.objects.filter(status="COMPLETED").select_related("course", "completed_by"):
        by = enrolment.completed_by
        if by is None:
            continue
        passport_services.credential_issue(by=by, enrolment=enrolment)
        issued += 1
        if enrolment.qualification_achieved:
            passport_services.credential_issue(by=by, enrolment=enrolment, kind="QUALIFICATION")
            issued += 1
    # One badge revoked, so that the verification page can show what a revoked one looks like: the newest
    # completion badge of someone who is not a kiosk sample (the first person of a prison).
    samples = {
        Person.objects.filter(establishment=place).order_by("pk").values_list("pk", flat=True).first()
        for place in Establishment.objects.all()
    }
    chosen = (
        Credential.objects.filter(kind="COMPLETION", revoked_at__isnull=True)
        .exclude(person_id__in=[pk for pk in samples if pk is not None])
        .select_related("issued_by")
        .first()
    )
    if chosen is not None and chosen.issued_by is not None:
        passport_services.credential_revoke(by=chosen.issued_by, credential=chosen, reason="Issued to the wrong person")
    return issued


def reset() -> dict[str, int]:
    """Delete every learning row, for ``demo_estate --reset``."""
    deleted = 0
    models = list(django_apps.get_app_config("learning").get_models())
    order = ["credential", "enrolment", "assessment", "course", "issuerkey"]
    models.sort(key=lambda m: order.index(m._meta.model_name) if m._meta.model_name in order else 99)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(model._meta.db_table)}")  # noqa: S608
            deleted += int(cursor.fetchone()[0])
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608
    return {"learning rows": deleted}
