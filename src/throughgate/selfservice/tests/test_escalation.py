"""Overdue complaints go to the governor named in the complaint settings, once; the queue shows it; the daily job is
a django-tasks task as well as a command."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import EstablishmentFactory, make_resident, make_staff, sign_in_staff
from throughgate.core.models import AuditEntry
from throughgate.selfservice import tasks
from throughgate.selfservice.complaints import services
from throughgate.selfservice.complaints.models import Complaint, ComplaintSettings
from throughgate.selfservice.tests.factories import key, raise_app, staff_in

pytestmark = pytest.mark.django_db


def complain(person: Any, stage: str = "COMP1") -> Complaint:
    return services.complaint_submit(
        user=person.user, stage=stage, body="The hot water.", idempotency_key=key()
    ).complaint


def test_an_overdue_complaint_goes_to_the_governor_once(establishment: Any) -> None:
    governor = make_staff("governor", [establishment])
    ComplaintSettings.objects.create(establishment=establishment, escalate_to=governor)
    person = make_resident(establishment)
    late, on_time = complain(person), complain(person)
    answered = complain(person)
    services.complaint_answer(by=governor, complaint=answered, reply="Fixed.")
    Complaint.objects.filter(pk=on_time.pk).update(due_on=late.due_on + dt.timedelta(days=5))
    day_after = late.due_on + dt.timedelta(days=1)
    assert services.complaints_escalate_overdue(today=late.due_on) == 0  # due today is not overdue
    assert services.complaints_escalate_overdue(today=day_after) == 1
    assert services.complaints_escalate_overdue(today=day_after) == 0  # once
    late.refresh_from_db()
    assert late.escalated_to == governor
    assert late.escalated_at is not None
    assert Complaint.objects.get(pk=on_time.pk).escalated_at is None
    assert Complaint.objects.get(pk=answered.pk).escalated_at is None
    entry = AuditEntry.objects.get(action="selfservice.complaint.escalated")
    assert entry.subject == person.prison_number


def test_a_prison_that_names_nobody_escalates_nothing(establishment: Any) -> None:
    other = EstablishmentFactory(code="LEI")
    governor = make_staff("governor", [other])
    ComplaintSettings.objects.create(establishment=other, escalate_to=governor)
    late = complain(make_resident(establishment))
    assert services.complaints_escalate_overdue(today=late.due_on + dt.timedelta(days=3)) == 0


def test_the_queue_shows_escalated_complaints_and_filters_them(client: Client, establishment: Any) -> None:
    governor = make_staff("governor", [establishment])
    ComplaintSettings.objects.create(establishment=establishment, escalate_to=governor)
    person = make_resident(establishment)
    late = complain(person, "COMP2")
    complain(person)
    Complaint.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    assert services.complaints_escalate_overdue() == 1
    sign_in_staff(client, governor)
    page = client.get(reverse("selfservice:complaint_queue")).content.decode()
    assert "Escalated" in page
    assert "1 complaint is overdue." in page
    only_mine = client.get(reverse("selfservice:complaint_queue"), {"escalated": "1"}).content.decode()
    assert late.reference in only_mine
    assert only_mine.count("selfservice/complaints/queue/") == 1

    # A wing officer never sees the escalated COMP2, nor the overdue count that includes it.
    officer = make_staff("wing_officer", [establishment])
    client.logout()
    sign_in_staff(client, officer)
    page = client.get(reverse("selfservice:complaint_queue")).content.decode()
    assert late.reference not in page
    assert "overdue" not in page


def test_the_daily_task_escalates_apps_and_complaints(establishment: Any) -> None:
    governor = make_staff("governor", [establishment])
    ComplaintSettings.objects.create(establishment=establishment, escalate_to=governor)
    staff_in(establishment, "wing", lead=True)
    person = make_resident(establishment)
    app = raise_app(person)
    complaint = complain(person)
    Complaint.objects.filter(pk=complaint.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    type(app).objects.filter(pk=app.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    assert tasks.escalate_overdue.call() == {"apps": 1, "complaints": 1}
    assert tasks.escalate_overdue.call() == {"apps": 0, "complaints": 0}


def test_the_command_can_queue_the_task_for_the_worker(establishment: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    out = StringIO()
    call_command("selfservice_escalate", "--enqueue", stdout=out)
    assert out.getvalue().startswith("Queued escalation task")
    assert DBTaskResult.objects.filter(task_path="throughgate.selfservice.tasks.escalate_overdue").count() == 1
