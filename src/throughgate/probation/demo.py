"""Demo data for the probation app, added after the demo estate is saved (``demo_estate`` runs ``populate``).

In the first prison: resettlement passports for a third of the residents (some with their own answers given on the
kiosk, pathways under way, to-do items), for resettlement staff to build on and release; and the demo person on
probation (``pop.demo``, on that prison's practitioner's caseload) with a passport, a check-in history (answered,
needing attention, reviewed, missed) and a check-in due today, appointments, and a phone number and an email to sign
in with. Nobody else is released here: the people demo's counts and pages stay as that demo made them. Phone
numbers are in Ofcom's range for drama (07700 900000-900999); texts go to var/sms.jsonl."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from throughgate.identity.models import Establishment, User
from throughgate.people.models import Person
from throughgate.probation.appointments import services as appointment_services
from throughgate.probation.appointments.models import Appointment
from throughgate.probation.caseload.models import PractitionerTask
from throughgate.probation.checkins import services as checkin_services
from throughgate.probation.checkins.models import CheckIn, CheckinSchedule, CheckinStatus, HelpTopic
from throughgate.probation.myprobation.models import SignInContact
from throughgate.probation.myprobation.services import contacts_set
from throughgate.probation.passport import services as passport_services
from throughgate.probation.passport.models import (
    Assessment,
    Passport,
    Pathway,
    PathwayState,
    PathwayStatus,
    QuestionSet,
    TodoItem,
)
from throughgate.probation.passport.selectors import questions_of

DEMO_PHONE = "07700900000"
DEMO_EMAIL = "pop.demo@demo.invalid"
TODOS = (
    ("Apply for a birth certificate", Pathway.FINANCE_ID),
    ("Open a bank account", Pathway.FINANCE_ID),
    ("Book a housing interview", Pathway.ACCOMMODATION),
    ("Register with a GP", Pathway.HEALTH),
    ("Go to the job centre in your first week", Pathway.EDUCATION_WORK),
    ("Meet the drug and alcohol worker", Pathway.DRUGS_ALCOHOL),
)


def _answers(rng: random.Random, question_set: QuestionSet) -> dict[str, str]:
    return {q.code: rng.choice(q.choices)[0] for q in questions_of(question_set, who="self") if q.choices}


def _passport(rng: random.Random, person: Person, staff: User, *, answered: bool) -> Passport:
    passport = passport_services.passport_ensure(person=person, by=staff)
    assessment = passport.assessments.select_related("question_set").get(kind="immediate_needs")
    if answered and person.user is not None:
        passport_services.assessment_answer_self(
            assessment=assessment, by=person.user, answers=_answers(rng, assessment.question_set)
        )
    for pathway in rng.sample(Pathway.values, rng.randint(1, 5)):
        status = rng.choice(
            [
                PathwayStatus.IN_PROGRESS,
                PathwayStatus.SUPPORT_REQUIRED,
                PathwayStatus.SUPPORT_NOT_REQUIRED,
                PathwayStatus.DONE,
                PathwayStatus.SUPPORT_DECLINED,
            ]
        )
        passport_services.pathway_set(passport=passport, by=staff, pathway=pathway, status=status)
    for text, pathway in rng.sample(TODOS, rng.randint(1, 3)):
        passport_services.todo_add(passport=passport, by=staff, text=text, pathway=pathway)
    return passport


def _history(rng: random.Random, person: Person, practitioner: User, weeks: int) -> None:
    """Past check-ins (stored as they ended), a schedule, and the check-in due today."""
    today = timezone.localdate()
    CheckinSchedule.objects.update_or_create(
        person=person,
        defaults={"every_weeks": 1, "next_due_on": today, "set_by": practitioner.username, "active": True},
    )
    for week in range(weeks, 0, -1):
        due = today - timedelta(weeks=week)
        roll = rng.random()
        checkin = CheckIn(person=person, due_on=due, expires_on=checkin_services.expiry_of(due))
        if roll < 0.15 and week == 1:
            checkin.status = CheckinStatus.CREATED  # missed: the expiry job below makes it a task
        else:
            feeling = rng.choice([2, 3, 4, 4, 5]) if roll > 0.3 else rng.choice([1, 2, 3])
            help_with = rng.sample(HelpTopic.values, rng.choice([0, 0, 1, 2]))
            call_back = rng.random() < 0.15
            reasons = checkin_services.attention_reasons(feeling=feeling, help_with=help_with, call_back=call_back)
            checkin.status = CheckinStatus.SUBMITTED
            checkin.submitted_at = timezone.now() - timedelta(weeks=week, hours=-3)
            checkin.feeling, checkin.help_with, checkin.call_back = feeling, help_with, call_back
            checkin.needs_attention, checkin.attention_reasons = bool(reasons), reasons
            if week > 1 or not reasons:
                checkin.status = CheckinStatus.REVIEWED
                checkin.reviewed_at = checkin.submitted_at + timedelta(hours=20)
                checkin.reviewed_by = practitioner.username
                checkin.review_note = "Spoke on the phone" if reasons else ""
        checkin.save()
        if checkin.status == CheckinStatus.SUBMITTED and checkin.needs_attention:
            PractitionerTask.objects.get_or_create(
                staff=practitioner,
                source=f"checkin:{checkin.pk}",
                defaults={"person": person, "kind": "checkin_attention", "due_at": timezone.now()},
            )


def _appointments(rng: random.Random, person: Person, practitioner: User) -> None:
    """A past appointment with its outcome, and one or two to come."""
    now = timezone.now()
    past = appointment_services.appointment_book(
        by=practitioner, person=person, kind="office", starts_at=now + timedelta(hours=1), place="Probation office"
    )
    Appointment.objects.filter(pk=past.pk).update(starts_at=now - timedelta(days=rng.randint(3, 10)))
    outcome = rng.choice(["attended", "attended", "attended", "acceptable_absence", "failed_to_attend"])
    appointment_services.appointment_record(
        appointment=past, by=practitioner, outcome=outcome, note="" if outcome == "attended" else "No contact made"
    )
    for _n in range(rng.randint(1, 2)):
        when = (now + timedelta(days=rng.randint(1, 20))).replace(hour=rng.choice([9, 10, 11, 14, 15]), minute=0)
        appointment_services.appointment_book(
            by=practitioner, person=person, kind=rng.choice(["office", "phone", "video", "home_visit"]), starts_at=when
        )


def populate(*, seed: int = 1, say: Callable[[str], None] = lambda _line: None) -> dict[str, int]:
    rng = random.Random(f"probation:{seed}")  # noqa: S311  (demo data)
    place = Establishment.objects.order_by("pk").first()
    if place is None:
        return {}
    code = place.code.lower()
    staff = User.objects.filter(username=f"resettlement.{code}").first()
    practitioner = User.objects.filter(username=f"probation.{code}").first()
    if staff is None or practitioner is None:
        say("probation: no resettlement or probation staff in the demo estate; nothing added")
        return {}
    with transaction.atomic():
        residents = list(Person.objects.filter(establishment=place, user__isnull=False).order_by("prison_number"))
        rng.shuffle(residents)
        with_passport = residents[: len(residents) // 3]
        for n, person in enumerate(with_passport):
            _passport(rng, person, staff, answered=n % 3 != 2)
        today = timezone.localdate()
        demo = Person.objects.filter(user__username="pop.demo").first()
        if demo is not None:
            _passport(rng, demo, practitioner, answered=False)
            contacts_set(person=demo, by=practitioner, phone=DEMO_PHONE, email=DEMO_EMAIL)
            _history(rng, demo, practitioner, weeks=3)
            _appointments(rng, demo, practitioner)
        checkin_services.checkins_create(today=today)
        checkin_services.checkins_expire(today=today)
    say(
        f"probation: {len(with_passport)} passports in {place.code}; {staff.username} releases people from them; "
        f"pop.demo (on "
        f"{practitioner.username}'s caseload) signs in at /myprobation/ with {DEMO_PHONE} or {DEMO_EMAIL} "
        "(codes in var/sms.jsonl or the console)"
    )
    return {
        "passports": Passport.objects.count(),
        "check-ins": CheckIn.objects.count(),
        "appointments": Appointment.objects.count(),
        "practitioner tasks": PractitionerTask.objects.count(),
    }


def reset() -> dict[str, int]:
    """Delete every probation row that refers to people (the published question sets stay)."""
    deleted = 0
    for model in (
        Appointment,
        PractitionerTask,
        CheckIn,
        CheckinSchedule,
        SignInContact,
        TodoItem,
        Assessment,
        PathwayState,
    ):
        count, _rows = model.objects.all().delete()
        deleted += count
    count, _rows = Passport.objects.all().delete()
    return {"probation rows": deleted + count}
