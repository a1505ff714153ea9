"""Staff notifications: made once per key in English and Welsh, counted in the header, listed and marked read by
their recipient only; and the jobs that send them (escalated apps and complaints, overdue AIM reviews)."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from tests.factories import PersonFactory, make_resident, make_staff, sign_in_staff
from throughgate.core.models import AuditEntry
from throughgate.identity import selectors, services
from throughgate.identity.models import Notification, User
from throughgate.selfservice import jobs as selfservice_jobs
from throughgate.selfservice.complaints import services as complaint_services
from throughgate.selfservice.complaints.models import ComplaintSettings
from throughgate.selfservice.tests.factories import key, raise_app, staff_in
from throughgate.welfare import jobs as welfare_jobs
from throughgate.welfare.models import Triage
from throughgate.welfare.tests.factories import make_flag

pytestmark = pytest.mark.django_db


def send(to: list[User], key: str = "test:1", **extra: Any) -> int:
    return services.notification_send(
        recipients=to, kind="test", key=key, message=lambda: gettext("Notifications"), **extra
    )


def test_a_notification_is_made_once_per_key_in_both_languages(establishment: Any) -> None:
    officer = make_staff("wing_officer", [establishment])
    assert send([officer, officer]) == 1
    assert send([officer]) == 0  # the same key again: nothing new
    notification = Notification.objects.get()
    assert notification.text == {"en": "Notifications", "cy": "Hysbysiadau"}
    assert notification.message("cy") == "Hysbysiadau"
    assert AuditEntry.objects.filter(action="identity.notification.sent").count() == 1
    assert mail.outbox == []  # email is off unless asked for


def test_notifications_are_emailed_when_switched_on(
    establishment: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFICATION_EMAILS = True
    officer = make_staff("wing_officer", [establishment], email="officer@example.test")
    quiet = make_staff("wing_officer", [establishment])
    with django_capture_on_commit_callbacks(execute=True):
        send([officer, quiet])
    assert [message.to for message in mail.outbox] == [["officer@example.test"]]
    assert mail.outbox[0].body == "Notifications"


def test_the_header_counts_unread_and_the_list_marks_them_read(client: Client, establishment: Any) -> None:
    officer = make_staff("wing_officer", [establishment])
    other = make_staff("wing_officer", [establishment])
    send([officer], key="a", url="/aim/")
    send([officer], key="b")
    send([other], key="c")
    sign_in_staff(client, officer)
    home = client.get(reverse("identity:home")).text
    assert 'data-testid="unread-notifications"' in home
    assert ">2<" in home
    page = client.get(reverse("identity:notifications"))
    assert page.status_code == 200
    assert page.text.count("Notifications</") >= 1
    assert 'href="/aim/"' in page.text
    theirs = Notification.objects.get(recipient=other)
    # Someone else's notification cannot be marked read through this user's page.
    client.post(reverse("identity:notifications"), {"notification": theirs.pk})
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    first = Notification.objects.get(recipient=officer, key="a")
    client.post(reverse("identity:notifications"), {"notification": first.pk})
    assert selectors.unread_notification_count(user=officer) == 1
    client.post(reverse("identity:notifications"), {})
    assert selectors.unread_notification_count(user=officer) == 0
    assert "unread-notifications" not in client.get(reverse("identity:home")).text
    bad = client.post(reverse("identity:notifications"), {"notification": "not a number"})
    assert bad.status_code == 400


def test_the_list_is_in_welsh_for_a_welsh_reader(client: Client, establishment: Any) -> None:
    officer = make_staff("wing_officer", [establishment])
    send([officer])
    sign_in_staff(client, officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    page = client.get(reverse("identity:notifications")).text
    assert "Hysbysiadau" in page
    assert "Marcio fel wedi’i ddarllen" in page


def test_residents_have_no_notifications_page(client: Client, establishment: Any) -> None:
    from tests.factories import sign_in_resident

    sign_in_resident(client, make_resident(establishment))
    assert client.get(reverse("identity:notifications")).status_code == 403


def test_an_escalated_app_tells_the_lead(establishment: Any) -> None:
    person = make_resident(establishment)
    lead = staff_in(establishment, "wing", lead=True)
    late = raise_app(person)
    later = late.due_on + dt.timedelta(days=1)
    slot = datetime.combine(later, dt.time(9), tzinfo=UTC)
    assert selfservice_jobs.escalate_overdue(slot=slot) == {"apps": 1, "complaints": 0}
    told = Notification.objects.get(recipient=lead)
    assert person.prison_number in told.text["en"]
    assert person.prison_number in told.text["cy"]
    assert told.url == reverse("selfservice:staff_app", args=[late.pk])
    assert selfservice_jobs.escalate_overdue(slot=slot) == {"apps": 0, "complaints": 0}
    assert Notification.objects.count() == 1


def test_an_escalated_complaint_tells_the_governor_without_naming_the_person(establishment: Any) -> None:
    governor = make_staff("governor", [establishment])
    ComplaintSettings.objects.create(establishment=establishment, escalate_to=governor)
    person = make_resident(establishment)
    late = complaint_services.complaint_submit(
        user=person.user, stage="COMP1", body="The hot water.", idempotency_key=key()
    ).complaint
    slot = datetime.combine(late.due_on + dt.timedelta(days=1), dt.time(9), tzinfo=UTC)
    assert selfservice_jobs.escalate_overdue(slot=slot)["complaints"] == 1
    told = Notification.objects.get(recipient=governor)
    assert person.prison_number not in told.text["en"]
    assert told.url == reverse("selfservice:staff_complaint", args=[late.pk])


def test_overdue_aim_reviews_tell_safer_custody_and_the_officer_who_set_them(establishment: Any) -> None:
    safer = make_staff("safer_custody", [establishment])
    officer = make_staff("wing_officer", [establishment])
    elsewhere = make_staff("safer_custody", [])
    flag = make_flag(PersonFactory(establishment=establishment))
    overdue = Triage.objects.create(
        flag=flag, by=officer, by_username=officer.username, action="spoke", review_on=dt.date(2026, 3, 3)
    )
    Triage.objects.create(
        flag=flag, by=officer, by_username=officer.username, action="spoke", review_on=dt.date(2026, 3, 9)
    )
    slot = datetime(2026, 3, 5, 7, 30, tzinfo=UTC)
    assert welfare_jobs.review_reminders(slot=slot) == {"overdue": 1, "prisons": 1, "notifications": 2}
    team = Notification.objects.get(recipient=safer)
    assert team.text["en"] == "1 AIM follow-up review is overdue. The oldest was due on 3 March 2026."
    assert team.url == reverse("welfare:daily")
    assert Notification.objects.get(recipient=officer).url == reverse("welfare:review", args=[overdue.pk])
    assert not Notification.objects.filter(recipient=elsewhere).exists()
    # Run again the same day: nothing new. The next day the team hears again; the officer does not.
    assert welfare_jobs.review_reminders(slot=slot)["notifications"] == 0
    assert welfare_jobs.review_reminders(slot=slot + dt.timedelta(days=1))["notifications"] == 1
