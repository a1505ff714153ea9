"""AIM staff pages: who may see flags (allow and deny), scoping to the establishment, auditing of every flag view
and threshold change, triage and reviews."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PersonFactory, cell_in, make_resident, make_staff, sign_in_resident, sign_in_staff
from throughgate.core.models import AuditEntry
from throughgate.welfare.engine import Config
from throughgate.welfare.models import AimSettings, Flag, ScoreRun, SettingsChange, Triage
from throughgate.welfare.tests.factories import make_flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def flag(establishment) -> Flag:  # type: ignore[no-untyped-def]
    person = PersonFactory(establishment=establishment, location=cell_in(establishment, wing="B"))
    made = make_flag(person, wing="MDI-B")
    ScoreRun.objects.create(establishment=establishment, as_of=made.as_of, people=40, red=1)
    return made


@pytest.mark.parametrize("role", ["wing_officer", "key_worker", "safer_custody", "governor"])
def test_welfare_staff_of_the_establishment_see_the_list_and_the_flag(role: str, client: Client, flag: Flag) -> None:
    sign_in_staff(client, make_staff(role, [flag.establishment]))
    listing = client.get(reverse("welfare:daily"))
    assert listing.status_code == 200
    assert flag.person.prison_number in listing.text
    page = client.get(reverse("welfare:flag", args=[flag.pk]))
    assert page.status_code == 200
    assert "no social visit in 21 days, usually one a week" in page.text
    assert "canteen spend down 70% on usual" in page.text
    assert "<svg" in page.text
    assert 'role="img"' in page.text


@pytest.mark.parametrize("role", ["education", "healthcare", "security_it", "probation_practitioner"])
def test_staff_without_a_welfare_role_are_refused(role: str, client: Client, flag: Flag) -> None:
    sign_in_staff(client, make_staff(role, [flag.establishment]))
    assert client.get(reverse("welfare:daily")).status_code == 403
    assert client.get(reverse("welfare:flag", args=[flag.pk])).status_code == 403


def test_residents_never_see_aim_data(client: Client, flag: Flag) -> None:
    resident = make_resident(flag.establishment)
    own = make_flag(resident, as_of=date(2026, 3, 2))
    sign_in_resident(client, resident)
    for url in (
        reverse("welfare:daily"),
        reverse("welfare:flag", args=[own.pk]),
        reverse("welfare:history", args=[resident.prison_number]),
        reverse("welfare:governor"),
        reverse("welfare:fairness"),
        reverse("welfare:settings"),
    ):
        assert client.get(url).status_code == 403, url
    assert not AuditEntry.objects.filter(action="welfare.flag.viewed").exists()


def test_an_officer_of_another_prison_cannot_see_the_flag(client: Client, flag: Flag, other_establishment) -> None:  # type: ignore[no-untyped-def]
    sign_in_staff(client, make_staff("wing_officer", [other_establishment]))
    assert client.get(reverse("welfare:flag", args=[flag.pk])).status_code == 404
    assert client.get(reverse("welfare:history", args=[flag.person.prison_number])).status_code == 404
    assert flag.person.prison_number not in client.get(reverse("welfare:daily")).text
    assert client.post(reverse("welfare:triage", args=[flag.pk]), {"action": "spoke"}).status_code == 404
    assert not Triage.objects.exists()


def test_every_view_of_a_flag_is_audited(client: Client, flag: Flag) -> None:
    officer = make_staff("wing_officer", [flag.establishment])
    sign_in_staff(client, officer)
    client.get(reverse("welfare:flag", args=[flag.pk]))
    client.get(reverse("welfare:flag", args=[flag.pk]))
    client.get(reverse("welfare:history", args=[flag.person.prison_number]))
    views = AuditEntry.objects.filter(action="welfare.flag.viewed", actor_id=officer.pk)
    assert views.count() == 2
    assert {entry.subject for entry in views} == {flag.person.prison_number}
    assert AuditEntry.objects.filter(action="welfare.history.viewed", subject=flag.person.prison_number).exists()


def test_an_officer_records_a_triage_with_a_review_date(client: Client, flag: Flag) -> None:
    officer = make_staff("wing_officer", [flag.establishment])
    sign_in_staff(client, officer)
    review_on = (timezone.localdate() + timedelta(days=7)).isoformat()
    response = client.post(
        reverse("welfare:triage", args=[flag.pk]),
        {"action": "spoke", "note": "Said his mum is ill; key worker to follow up.", "review_on": review_on},
    )
    assert response.status_code == 302
    triage = Triage.objects.get()
    assert (triage.action, triage.by, triage.review_on.isoformat()) == ("spoke", officer, review_on)
    assert AuditEntry.objects.filter(action="welfare.flag.triaged", subject=flag.person.prison_number).exists()
    page = client.get(reverse("welfare:flag", args=[flag.pk]))
    assert "Spoke to the person" in page.text


def test_triage_needs_an_action_and_no_concern_needs_a_note(client: Client, flag: Flag) -> None:
    sign_in_staff(client, make_staff("wing_officer", [flag.establishment]))
    empty = client.post(reverse("welfare:triage", args=[flag.pk]), {})
    assert empty.status_code == 400
    assert "Choose what you did" in empty.text
    bare = client.post(reverse("welfare:triage", args=[flag.pk]), {"action": "no_concern"})
    assert bare.status_code == 400
    assert "Say why there is no concern" in bare.text
    assert not Triage.objects.exists()


def test_overdue_reviews_are_shown_and_can_be_completed(client: Client, flag: Flag) -> None:
    triage = Triage.objects.create(
        flag=flag, by_username="someone", action="key_worker", review_on=timezone.localdate() - timedelta(days=2)
    )
    sign_in_staff(client, make_staff("key_worker", [flag.establishment]))
    assert "follow-up review is overdue" in client.get(reverse("welfare:daily")).text
    client.post(reverse("welfare:review", args=[triage.pk]), {"review_note": "Settled, back at work."})
    triage.refresh_from_db()
    assert triage.reviewed_at is not None
    assert "overdue" not in client.get(reverse("welfare:daily")).text


def test_changing_thresholds_is_for_safer_custody_and_is_audited(client: Client, flag: Flag) -> None:
    place = flag.establishment
    sign_in_staff(client, make_staff("wing_officer", [place]))
    assert client.get(reverse("welfare:settings")).status_code == 403

    lead = make_staff("safer_custody", [place])
    sign_in_staff(client, lead)
    page = client.get(reverse("welfare:settings"))
    assert page.status_code == 200
    wrong = client.post(
        reverse("welfare:settings"),
        {"amber_threshold": 6, "red_threshold": 5, "red_budget_per_100": 2, "amber_budget_per_100": 5, "reason": "x"},
    )
    assert wrong.status_code == 400
    assert not AimSettings.objects.exists()
    done = client.post(
        reverse("welfare:settings"),
        {
            "amber_threshold": 6.5,
            "red_threshold": 13,
            "red_budget_per_100": 2,
            "amber_budget_per_100": 5,
            "cooldown_days": 7,
            "quiet_days": 21,
            "reason": "Too many ambers on A wing",
        },
    )
    assert done.status_code == 302
    stored = AimSettings.objects.get(establishment=place)
    assert (stored.amber_threshold, stored.red_threshold, stored.quiet_days) == (6.5, 13, 21)
    change = SettingsChange.objects.get()
    assert change.after["amber_threshold"] == 6.5
    assert change.before["amber_threshold"] == Config().amber_threshold
    assert (change.before["quiet_days"], change.after["quiet_days"]) == (28, 21)
    assert change.by_username == lead.username
    entry = AuditEntry.objects.get(action="welfare.settings.changed")
    assert entry.actor_id == lead.pk
    assert entry.detail["reason"] == "Too many ambers on A wing"


def test_governor_and_fairness_pages(client: Client, flag: Flag) -> None:
    flag.raised = "red"
    flag.save(update_fields=["raised"])
    Triage.objects.create(flag=flag, by_username="x", action="healthcare")
    sign_in_staff(client, make_staff("governor", [flag.establishment]))
    page = client.get(reverse("welfare:governor"))
    assert page.status_code == 200
    assert "MDI-B" in page.text
    assert "Healthcare referral" in page.text
    assert client.get(reverse("welfare:fairness")).status_code == 200


def test_hq_analysts_see_rates_and_counts_but_never_names(client: Client, flag: Flag) -> None:
    flag.raised = "red"
    flag.save(update_fields=["raised"])
    ScoreRun.objects.filter(establishment=flag.establishment).update(raised_red=1)
    Triage.objects.create(flag=flag, by_username="x", action="spoke")
    analyst = make_staff("hq_analyst", [flag.establishment])
    sign_in_staff(client, analyst)
    assert client.get(reverse("welfare:daily")).status_code == 403
    assert client.get(reverse("welfare:flag", args=[flag.pk])).status_code == 403
    assert client.get(reverse("welfare:history", args=[flag.person.prison_number])).status_code == 403
    page = client.get(reverse("welfare:governor"))
    assert page.status_code == 200
    assert "MDI-B" in page.text  # alerts raised by wing
    assert "17.5" in page.text  # 1 red raised / (40 people / 7) x 100 per week
    for private in (flag.person.prison_number, flag.person.first_name, flag.person.last_name):
        assert private not in page.text
    assert not AuditEntry.objects.filter(action="welfare.flag.viewed").exists()


def test_staff_record_an_anniversary_and_aim_reads_it_near_the_day(client: Client, flag: Flag) -> None:
    from throughgate.welfare import pipeline
    from throughgate.welfare.models import TriggerDate

    officer = make_staff("wing_officer", [flag.establishment])
    sign_in_staff(client, officer)
    missing = client.post(reverse("welfare:trigger_date", args=[flag.pk]), {"date-on": "2025-03-04"})
    assert missing.status_code == 400
    assert "Choose what kind of date it is" in missing.text
    done = client.post(
        reverse("welfare:trigger_date", args=[flag.pk]),
        {"date-kind": "anniversary", "date-on": "2025-03-04", "date-note": "Brother died"},
    )
    assert done.status_code == 302
    assert TriggerDate.objects.get().recorded_by_username == officer.username
    assert AuditEntry.objects.filter(action="welfare.trigger_date.recorded", subject=flag.person.prison_number).exists()
    assert "Brother died" in client.get(reverse("welfare:flag", args=[flag.pk])).text
    recorded = pipeline.recorded_trigger_dates([flag.person])[flag.person.prison_number]
    near = pipeline.triggers_near(flag.person, date(2026, 3, 1), recorded)  # the anniversary comes every year
    far = pipeline.triggers_near(flag.person, date(2026, 4, 1), recorded)
    assert near & 2
    assert not far & 2


def test_a_birthday_and_a_court_date_are_trigger_dates() -> None:
    from types import SimpleNamespace

    from throughgate.welfare import pipeline

    person = SimpleNamespace(date_of_birth=date(1990, 3, 5))
    assert pipeline.triggers_near(person, date(2026, 3, 1)) == 1  # four days before the birthday
    assert pipeline.triggers_near(person, date(2026, 3, 8)) == 0
    court = [("court", date(2026, 3, 3))]
    assert pipeline.triggers_near(person, date(2026, 3, 1), court) == 1 | 4
    assert pipeline.triggers_near(person, date(2027, 3, 1), court) == 1  # a court date counts once


def test_the_reminders_command_counts_overdue_reviews_without_names(flag: Flag) -> None:
    from io import StringIO

    from django.core.management import call_command

    today = timezone.localdate()
    Triage.objects.create(flag=flag, by_username="x", action="spoke", review_on=today - timedelta(days=3))
    Triage.objects.create(flag=flag, by_username="x", action="spoke", review_on=today + timedelta(days=3))
    done = Triage.objects.create(flag=flag, by_username="x", action="spoke", review_on=today - timedelta(days=9))
    done.reviewed_at = timezone.now()
    done.save()
    out = StringIO()
    call_command("aim", "reminders", stdout=out)
    text = out.getvalue()
    assert f"{flag.establishment.code}: 1 follow-up review(s) overdue" in text
    assert (today - timedelta(days=3)).isoformat() in text
    assert flag.person.prison_number not in text
