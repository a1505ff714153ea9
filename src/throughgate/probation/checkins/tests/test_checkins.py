"""Check-ins: made by the daily job as they fall due, expired by the other after a grace period of working days
(across a weekend), answered by the person (answers that need attention flagged with the reason), reviewed by the
practitioner; a missed one becomes a task."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.schedule import JOBS
from tests.factories import EstablishmentFactory, make_staff, sign_in_staff
from throughgate.core import schedule
from throughgate.core.errors import InvalidTransition, NotVisible
from throughgate.core.models import ActivityEvent
from throughgate.probation import notify
from throughgate.probation.caseload.models import PractitionerTask, TaskKind
from throughgate.probation.checkins import selectors, services
from throughgate.probation.checkins.models import CheckIn, CheckinSchedule, CheckinStatus
from throughgate.probation.tests.factories import on_probation, sign_in_on_phone

pytestmark = pytest.mark.django_db
UK = ZoneInfo("Europe/London")
PROBATION_JOBS = [job for job in JOBS if job.name.startswith("probation.")]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UK).astimezone(UTC)


@pytest.fixture
def case():
    mdi = EstablishmentFactory(code="MDI")
    practitioner = make_staff("probation_practitioner", [])
    person = on_probation(mdi, practitioner, phone="07700900111")
    return person, practitioner


def test_expiry_counts_working_days_so_a_weekend_does_not_eat_the_grace_period() -> None:
    friday = date(2026, 3, 6)
    assert friday.weekday() == 4
    assert services.expiry_of(friday) == date(2026, 3, 11)  # Mon, Tue, Wed
    assert services.expiry_of(date(2026, 3, 2)) == date(2026, 3, 5)  # Monday: Tue, Wed, Thu


def test_the_scheduled_jobs_create_and_expire_check_ins_across_a_weekend(
    case, django_capture_on_commit_callbacks
) -> None:
    person, practitioner = case
    friday = date(2026, 3, 6)
    CheckinSchedule.objects.create(person=person, every_weeks=1, next_due_on=friday, set_by="test")
    clock = {"now": at(friday, 6, 1)}

    def tick() -> None:
        schedule.tick(worker="test", now=clock["now"], declared=PROBATION_JOBS, clock=lambda: clock["now"])

    with django_capture_on_commit_callbacks(execute=True):
        tick()  # Friday 06:01: the check-in of the day is made, and a reminder texted
    checkin = CheckIn.objects.get(person=person)
    assert (checkin.due_on, checkin.expires_on, checkin.status) == (friday, date(2026, 3, 11), CheckinStatus.CREATED)
    assert any("check-in" in text.body for text in notify.outbox if text.to == "07700900111")
    assert CheckinSchedule.objects.get(person=person).next_due_on == friday + timedelta(weeks=1)
    tick()  # the same slot again: nothing more
    assert CheckIn.objects.filter(person=person).count() == 1

    # Saturday to Wednesday night: still open (the weekend does not count towards the grace period).
    for day in range(1, 6):
        clock["now"] = at(friday + timedelta(days=day), 0, 11)
        tick()
        checkin.refresh_from_db()
        assert checkin.status == CheckinStatus.CREATED, friday + timedelta(days=day)
    assert not PractitionerTask.objects.exists()

    clock["now"] = at(date(2026, 3, 12), 0, 11)  # Thursday: the grace period is over
    tick()
    checkin.refresh_from_db()
    assert checkin.status == CheckinStatus.EXPIRED
    task = PractitionerTask.objects.get()
    assert (task.staff, task.person, task.kind) == (practitioner, person, TaskKind.CHECKIN_MISSED)
    assert ActivityEvent.objects.filter(person=person.prison_number, kind="checkin.missed").count() == 1
    services.checkins_expire(today=date(2026, 3, 13))  # again: no second task or event
    assert PractitionerTask.objects.count() == 1
    assert ActivityEvent.objects.filter(kind="checkin.missed").count() == 1

    # Reviewing the missed check-in closes its task.
    services.checkin_review(checkin=checkin, by=practitioner, note="Phoned: was in hospital")
    task.refresh_from_db()
    assert task.done_at is not None
    assert task.outcome == "Phoned: was in hospital"


def test_a_schedule_that_was_not_run_for_weeks_makes_one_check_in_for_the_latest_due_day(case) -> None:
    person, _practitioner = case
    CheckinSchedule.objects.create(person=person, every_weeks=2, next_due_on=date(2026, 1, 5), set_by="test")
    assert services.checkins_create(today=date(2026, 2, 17)) == 1
    assert list(CheckIn.objects.values_list("due_on", flat=True)) == [date(2026, 2, 16)]
    assert CheckinSchedule.objects.get(person=person).next_due_on == date(2026, 3, 2)


def test_answers_that_need_attention_are_flagged_with_the_reason_and_make_a_task(case) -> None:
    person, practitioner = case
    today = timezone.localdate()
    checkin = CheckIn.objects.create(person=person, due_on=today, expires_on=services.expiry_of(today))
    phone = Client()
    sign_in_on_phone(phone, "07700900111")
    url = reverse("probation:checkin", args=[checkin.pk])
    form = phone.get(url)
    assert form.status_code == 200
    key = form.context["form"].initial["key"]
    answer = {"key": key, "feeling": "2", "help_with": ["accommodation", "money"], "call_back": "yes", "comment": ""}
    assert phone.post(url, answer).status_code == 302
    assert phone.post(url, answer).status_code in (200, 302)  # a retry stores nothing more
    checkin.refresh_from_db()
    assert checkin.status == CheckinStatus.SUBMITTED
    assert checkin.needs_attention
    assert checkin.attention_reasons == ["feeling", "help:accommodation", "help:money", "call_back"]
    assert [selectors.reason_text(code) for code in checkin.attention_reasons] == [
        "Said they feel bad",
        "Asked for help: Somewhere to live",
        "Asked for help: Money",
        "Asked for a call back",
    ]
    assert ActivityEvent.objects.filter(person=person.prison_number, kind="checkin.submitted").count() == 1
    task = PractitionerTask.objects.get(staff=practitioner)
    assert task.kind == TaskKind.CHECKIN_ATTENTION

    # The practitioner must say what they did before it counts as reviewed.
    staff = sign_in_staff(Client(), practitioner)
    review = reverse("probation:checkin_review", args=[checkin.pk])
    assert staff.post(review, {"note": ""}).status_code == 400
    assert staff.post(review, {"note": "Referred to housing; called back"}).status_code == 302
    checkin.refresh_from_db()
    assert checkin.status == CheckinStatus.REVIEWED
    task.refresh_from_db()
    assert task.done_at is not None


def test_a_good_check_in_needs_no_attention_and_bad_input_is_refused(case) -> None:
    person, _practitioner = case
    today = timezone.localdate()
    checkin = CheckIn.objects.create(person=person, due_on=today, expires_on=today)
    phone = Client()
    sign_in_on_phone(phone, "07700900111")
    url = reverse("probation:checkin", args=[checkin.pk])
    key = phone.get(url).context["form"].initial["key"]
    bad = phone.post(url, {"key": key, "feeling": "9", "help_with": ["rockets"]})
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"feeling", "help_with", "call_back"}
    assert phone.post(url, {"key": key, "feeling": "4", "call_back": "no"}).status_code == 302
    checkin.refresh_from_db()
    assert checkin.status == CheckinStatus.SUBMITTED
    assert not checkin.needs_attention
    assert not PractitionerTask.objects.exists()


def test_a_check_in_past_its_last_day_cannot_be_answered(case) -> None:
    person, _practitioner = case
    old = CheckIn.objects.create(
        person=person,
        due_on=timezone.localdate() - timedelta(days=9),
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    assert person.user is not None
    with pytest.raises(InvalidTransition):
        services.checkin_submit(checkin=old, by=person.user, feeling=3, help_with=[], call_back=False)


def test_a_person_sees_only_their_own_check_ins(case) -> None:
    person, practitioner = case
    other = on_probation(EstablishmentFactory(code="LEI"), practitioner, phone="07700900222")
    theirs = CheckIn.objects.create(person=other, due_on=timezone.localdate(), expires_on=timezone.localdate())
    phone = Client()
    sign_in_on_phone(phone, "07700900111")
    assert phone.get(reverse("probation:checkin", args=[theirs.pk])).status_code == 404
    assert person.user is not None
    with pytest.raises(NotVisible):
        selectors.own_checkin(user=person.user, checkin_id=theirs.pk)
    with pytest.raises(InvalidTransition):
        services.checkin_submit(checkin=theirs, by=person.user, feeling=3, help_with=[], call_back=False)
    # Another practitioner cannot review it either.
    stranger = sign_in_staff(Client(), make_staff("probation_practitioner", []))
    assert stranger.post(reverse("probation:checkin_review", args=[theirs.pk]), {"note": "x"}).status_code == 404


def test_the_practitioner_sets_the_schedule_on_the_case_page(case) -> None:
    person, practitioner = case
    staff = sign_in_staff(Client(), practitioner)
    url = reverse("probation:case_action", args=[person.prison_number, "schedule"])
    assert staff.post(url, {"every_weeks": "3", "first_due_on": "2026-01-01"}).status_code == 400
    start = timezone.localdate() + timedelta(days=2)
    assert staff.post(url, {"every_weeks": "4", "first_due_on": start.isoformat()}).status_code == 302
    saved = CheckinSchedule.objects.get(person=person)
    assert (saved.every_weeks, saved.next_due_on, saved.set_by) == (4, start, practitioner.username)
