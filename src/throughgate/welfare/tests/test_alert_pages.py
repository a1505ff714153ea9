"""What the demo showed: an alert triaged on the day it was raised still shows what staff did on the later days'
flags of the same alert; the fairness page reports alert rates while no scored day is old enough for its outcome to be
known (instead of saying nothing was scored); and the link in an overdue-review reminder opens the review's flag."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PersonFactory, cell_in, make_staff, sign_in_staff
from throughgate.core.models import ActivityEvent
from throughgate.identity.models import Establishment
from throughgate.welfare import fairness
from throughgate.welfare.engine import local_midnight_utc
from throughgate.welfare.models import ScoreRun, Triage
from throughgate.welfare.tests.factories import make_flag

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)


def test_the_flag_page_shows_what_staff_did_about_the_alert_on_its_earlier_days(
    client: Client, establishment: Establishment
) -> None:
    person = PersonFactory(establishment=establishment, location=cell_in(establishment, wing="B"))
    raised = make_flag(person, colour="amber", as_of=DAY, raised="amber", alert_since=DAY)
    still_open = make_flag(person, colour="amber", as_of=DAY + timedelta(days=2), alert_since=DAY)
    later_alert = make_flag(person, colour="amber", as_of=DAY + timedelta(days=20), alert_since=DAY + timedelta(19))
    quiet = make_flag(person, colour="green", as_of=DAY + timedelta(days=12))
    Triage.objects.create(flag=raised, by_username="safer.one", action="spoke", note="Spoke on the landing on day one.")
    ScoreRun.objects.create(establishment=establishment, as_of=later_alert.as_of, people=40, amber=1)
    sign_in_staff(client, make_staff("safer_custody", [establishment]))

    for shown in (raised, still_open):
        page = client.get(reverse("welfare:flag", args=[shown.pk])).text
        assert "Spoke on the landing on day one." in page
        assert "Nobody has recorded anything yet." not in page
    for other in (later_alert, quiet):  # another alert, or no alert: only their own triages
        page = client.get(reverse("welfare:flag", args=[other.pk])).text
        assert "Spoke on the landing on day one." not in page
        assert "Nobody has recorded anything yet." in page


def test_fairness_reports_alert_rates_while_outcomes_are_not_known_yet(
    client: Client, establishment: Establishment
) -> None:
    people = [PersonFactory(establishment=establishment) for _ in range(6)]
    for back in range(5):  # five recent days: none is 14 days before the last, so no outcome is known yet
        for n, person in enumerate(people):
            make_flag(person, colour="amber" if n == 0 else "green", as_of=DAY - timedelta(days=back))
    ActivityEvent.objects.create(
        person=people[1].prison_number,
        kind="self_harm.incident",
        occurred_at=local_midnight_utc(DAY) + timedelta(hours=10),
        source="test",
        idempotency_key="incident-1",
    )
    table = fairness.stored_flags_report(start=DAY - timedelta(days=56), end=DAY, n_boot=10)
    assert table["labelled"] is False
    assert table["rows"] == 30
    assert table["features"]["sex"]["overall"]["alert_rate"] == pytest.approx(5 / 30, abs=1e-4)

    ScoreRun.objects.create(establishment=establishment, as_of=DAY, people=6, amber=1)
    sign_in_staff(client, make_staff("governor", [establishment]))
    page = client.get(reverse("welfare:fairness")).text
    assert "No flags have been scored in this period." not in page
    assert "Alert rate" in page
    assert "False-negative rate" not in page


def test_the_link_in_a_review_reminder_opens_the_flag_with_the_review(
    client: Client, establishment: Establishment, other_establishment: Establishment
) -> None:
    person = PersonFactory(establishment=establishment)
    flag = make_flag(person, as_of=DAY, raised="red", alert_since=DAY)
    triage = Triage.objects.create(flag=flag, by_username="safer.one", action="spoke", review_on=DAY)
    link = reverse("welfare:review", args=[triage.pk])

    sign_in_staff(client, make_staff("key_worker", [establishment]))
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("welfare:flag", args=[flag.pk]) + f"#review-note-{triage.pk}"
    assert f'id="review-note-{triage.pk}"' in client.get(response["Location"]).text

    sign_in_staff(client, make_staff("key_worker", [other_establishment]))
    assert client.get(link).status_code == 404  # another prison's review is not found
    sign_in_staff(client, make_staff("governor", [establishment]))
    assert client.get(link).status_code == 403  # oversight without triage
