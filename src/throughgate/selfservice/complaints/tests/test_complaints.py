"""Complaints: COMP1 with a working-day deadline, one COMP1A appeal within the time limit, COMP2 confidential to the
governor (invisible to wing staff), the Ombudsman after the last stage, the staff queue by deadline, idempotency."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_resident, make_staff, sign_in_resident, sign_in_staff
from throughgate.core.errors import LimitExceeded, NotVisible
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.selfservice.complaints import selectors, services
from throughgate.selfservice.complaints.models import Complaint, ComplaintSettings
from throughgate.selfservice.tests.factories import key

pytestmark = pytest.mark.django_db


def complain(person: Any, stage: str = "COMP1", body: str = "My letter was opened.", **kwargs: Any) -> Complaint:
    return services.complaint_submit(
        user=person.user, stage=stage, body=body, idempotency_key=kwargs.pop("idempotency_key", key()), **kwargs
    ).complaint


def test_a_complaint_has_a_deadline_an_audit_row_and_an_activity_event(establishment: Any) -> None:
    ComplaintSettings.objects.create(establishment=establishment, comp1_days=3)
    person = make_resident(establishment)
    complaint = complain(person)
    assert complaint.stage == "COMP1"
    assert complaint.status == "OPEN"
    assert complaint.due_on > timezone.localdate()
    assert AuditEntry.objects.filter(action="selfservice.complaint.submitted", subject=person.prison_number).exists()
    assert ActivityEvent.objects.get(kind="complaint.submitted").payload == {"stage": "COMP1"}


def test_the_deadline_is_in_working_days_from_the_establishments_settings(establishment: Any, monkeypatch: Any) -> None:
    from zoneinfo import ZoneInfo

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 23, 10, 0, tzinfo=ZoneInfo("Europe/London")))
    ComplaintSettings.objects.create(establishment=establishment, comp1_days=3, comp2_days=10)
    person = make_resident(establishment)
    assert complain(person).due_on == dt.date(2026, 12, 30)  # Christmas, Boxing Day and the weekend skipped
    assert complain(person, "COMP2").due_on == dt.date(2027, 1, 11)  # and New Year's Day


def test_the_same_key_stores_one_complaint(establishment: Any) -> None:
    person = make_resident(establishment)
    same = key()
    first = complain(person, idempotency_key=same)
    again = complain(person, idempotency_key=same)
    assert first.pk == again.pk
    assert Complaint.objects.count() == 1


def test_an_answered_complaint_can_be_appealed_once_within_the_time_limit(establishment: Any) -> None:
    person = make_resident(establishment)
    officer = make_staff("wing_officer", [establishment])
    complaint = complain(person)
    with pytest.raises(LimitExceeded, match="when your complaint has been answered"):
        complain(person, "COMP1A", appeal_of=complaint)
    services.complaint_answer(by=officer, complaint=complaint, reply="We will replace the letter.")
    with pytest.raises(LimitExceeded, match="already been answered"):
        services.complaint_answer(by=officer, complaint=complaint, reply="Again")
    complaint.refresh_from_db()
    step = selectors.next_step(complaint=complaint)
    assert step.can_appeal
    assert not step.ombudsman
    appeal = complain(person, "COMP1A", body="That is not enough.", appeal_of=complaint)
    assert appeal.appeal_of == complaint
    with pytest.raises(LimitExceeded, match="already appealed"):
        complain(person, "COMP1A", appeal_of=complaint)
    # The appeal answered: the last stage is over, so the person is told about the Ombudsman.
    appeal = services.complaint_answer(by=officer, complaint=appeal, reply="The answer stands.")
    assert selectors.next_step(complaint=appeal).ombudsman


def test_an_appeal_after_the_time_limit_is_refused_and_points_to_the_ombudsman(establishment: Any) -> None:
    person = make_resident(establishment)
    complaint = complain(person)
    services.complaint_answer(by=make_staff("wing_officer", [establishment]), complaint=complaint, reply="No.")
    Complaint.objects.filter(pk=complaint.pk).update(answered_at=timezone.now() - dt.timedelta(days=30))
    complaint.refresh_from_db()
    with pytest.raises(LimitExceeded, match="Prisons and Probation Ombudsman"):
        complain(person, "COMP1A", appeal_of=complaint)
    step = selectors.next_step(complaint=complaint)
    assert not step.can_appeal
    assert step.ombudsman


def test_comp2_is_confidential_to_the_governor(establishment: Any) -> None:
    person = make_resident(establishment)
    confidential = complain(person, "COMP2", body="About an officer on my wing.")
    ordinary = complain(person)
    officer = make_staff("wing_officer", [establishment])
    governor = make_staff("governor", [establishment])
    assert list(selectors.complaint_queue(user=officer, establishment=establishment)) == [ordinary]
    with pytest.raises(NotVisible):
        selectors.complaint_for_staff(user=officer, establishment=establishment, complaint_id=confidential.pk)
    with pytest.raises(NotVisible):
        services.complaint_answer(by=officer, complaint=confidential, reply="x")
    assert set(selectors.complaint_queue(user=governor, establishment=establishment)) == {confidential, ordinary}
    services.complaint_answer(by=governor, complaint=confidential, reply="I have looked into it.")
    assert selectors.next_step(complaint=Complaint.objects.get(pk=confidential.pk)).ombudsman


def test_the_staff_queue_is_ordered_by_deadline_and_scoped(establishment: Any, other_establishment: Any) -> None:
    officer = make_staff("wing_officer", [establishment])
    first, second = make_resident(establishment), make_resident(establishment)
    later = complain(first)
    sooner = complain(second)
    Complaint.objects.filter(pk=sooner.pk).update(due_on=later.due_on - dt.timedelta(days=2))
    assert list(selectors.complaint_queue(user=officer, establishment=establishment)) == [sooner, later]
    elsewhere = make_staff("wing_officer", [other_establishment])
    assert list(selectors.complaint_queue(user=elsewhere, establishment=establishment)) == []


def test_a_resident_never_sees_another_residents_complaints(client: Client, establishment: Any) -> None:
    mine, theirs = make_resident(establishment), make_resident(establishment)
    their_complaint = complain(theirs)
    sign_in_resident(client, mine)
    assert client.get(reverse("selfservice:my_complaint", args=[their_complaint.pk])).status_code == 404
    appeal = client.post(
        reverse("selfservice:complaint_appeal", args=[their_complaint.pk]), {"key": key(), "body": "x"}
    )
    assert appeal.status_code == 404


def test_resident_and_staff_pages(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    sign_in_resident(client, person)
    form = client.get(reverse("selfservice:complaint_new"))
    assert form.status_code == 200
    data = {"key": key(), "stage": "COMP2", "body": "Private: about an officer."}
    sent = client.post(reverse("selfservice:complaint_new"), data)
    again = client.post(reverse("selfservice:complaint_new"), data)
    assert sent.status_code == again.status_code == 302
    assert Complaint.objects.count() == 1
    complaint = Complaint.objects.get()
    assert "Your complaint has been sent." in client.get(sent["Location"]).content.decode()
    empty = client.post(reverse("selfservice:complaint_new"), {"key": key(), "stage": "COMP1", "body": ""})
    assert empty.status_code == 400

    officer_client = sign_in_staff(Client(), make_staff("wing_officer", [establishment]))
    assert complaint.reference not in officer_client.get(reverse("selfservice:complaint_queue")).content.decode()
    assert officer_client.get(reverse("selfservice:staff_complaint", args=[complaint.pk])).status_code == 404

    governor_client = sign_in_staff(Client(), make_staff("governor", [establishment]))
    assert complaint.reference in governor_client.get(reverse("selfservice:complaint_queue")).content.decode()
    answered = governor_client.post(
        reverse("selfservice:staff_complaint", args=[complaint.pk]), {"reply": "I have looked into it."}
    )
    assert answered.status_code == 302
    page = client.get(reverse("selfservice:my_complaint", args=[complaint.pk])).content.decode()
    assert "I have looked into it." in page
    assert "Prisons and Probation Ombudsman" in page


def test_complaints_on_the_api(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    sign_in_resident(client, person)
    payload = {"stage": "COMP1", "body": "My canteen was short.", "idempotency_key": key()}
    first = client.post(reverse("api:my_complaints"), payload, content_type="application/json")
    again = client.post(reverse("api:my_complaints"), payload, content_type="application/json")
    assert first.status_code == 201
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    complaint_id = first.json()["id"]
    too_soon = client.post(
        reverse("api:complaint_appeal", args=[complaint_id]),
        {"body": "x", "idempotency_key": key()},
        content_type="application/json",
    )
    assert too_soon.status_code == 409
    assert too_soon.json()["code"] == "appeal_too_soon"

    staff = sign_in_staff(Client(), make_staff("wing_officer", [establishment]))
    assert [c["id"] for c in staff.get(reverse("api:complaint_queue")).json()] == [complaint_id]
    answered = staff.post(
        reverse("api:complaint_answer", args=[complaint_id]), {"reply": "Refunded."}, content_type="application/json"
    )
    assert answered.status_code == 200
    mine = client.get(reverse("api:my_complaint", args=[complaint_id])).json()
    assert mine["reply"] == "Refunded."
    assert mine["can_appeal"] is True
    # A resident cannot answer, even with a well-formed body.
    refused = client.post(
        reverse("api:complaint_answer", args=[complaint_id]), {"reply": "ok"}, content_type="application/json"
    )
    assert refused.status_code == 403
