"""The app pages and API operations: wiring, idempotent kiosk submission, the staff queue, and refusals that say
why."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_partner, make_resident, make_staff, sign_in_resident, sign_in_staff
from throughgate.core.models import AuditEntry
from throughgate.selfservice.applications import services
from throughgate.selfservice.applications.models import App
from throughgate.selfservice.tests.factories import app_type, key, raise_app, set_up_apps, staff_in

pytestmark = pytest.mark.django_db


def _key_in(html: str) -> str:
    match = re.search(r'name="key" value="([A-Za-z0-9_-]+)"', html)
    assert match, "the form carries no idempotency key"
    return match.group(1)


# --- Resident pages -------------------------------------------------------------------------------------------


def test_a_resident_raises_an_app_on_a_kiosk_and_a_double_tap_stores_it_once(
    client: Client, establishment: Any
) -> None:
    set_up_apps(establishment)
    person = make_resident(establishment)
    sign_in_resident(client, person)
    home = client.get(reverse("identity:home"))
    assert 'href="/selfservice/apps/"' in home.content.decode()
    choose = client.get(reverse("selfservice:app_new"))
    assert choose.status_code == 200
    chosen = app_type(establishment, "property")
    assert reverse("selfservice:app_write", args=[chosen.pk]) in choose.content.decode()

    form = client.get(reverse("selfservice:app_write", args=[chosen.pk]))
    assert form.status_code == 200
    sent_key = _key_in(form.content.decode())
    data = {"key": sent_key, "body": "My trainers are in reception."}
    first = client.post(reverse("selfservice:app_write", args=[chosen.pk]), data)
    second = client.post(reverse("selfservice:app_write", args=[chosen.pk]), data)  # the double tap
    app = App.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("selfservice:my_app", args=[app.pk])
    page = client.get(first["Location"])
    body = page.content.decode()
    assert "Your app has been sent." in body
    assert "My trainers are in reception." in body
    assert "Waiting" in body
    # A new form gets a new key.
    assert _key_in(client.get(reverse("selfservice:app_write", args=[chosen.pk])).content.decode()) != sent_key


def test_an_empty_app_shows_the_error_next_to_the_field(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    chosen = app_type(establishment, "wing")
    sign_in_resident(client, person)
    response = client.post(reverse("selfservice:app_write", args=[chosen.pk]), {"key": key(), "body": "  "})
    assert response.status_code == 400
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert 'id="id_body-error"' in body
    assert App.objects.count() == 0


def test_a_second_open_app_of_a_one_at_a_time_type_is_refused_with_a_reason(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    raise_app(person, "doctor")
    sign_in_resident(client, person)
    choose = client.get(reverse("selfservice:app_new")).content.decode()
    assert "You have one waiting" in choose
    doctor = app_type(establishment, "doctor")
    response = client.post(reverse("selfservice:app_write", args=[doctor.pk]), {"key": key(), "body": "Again"})
    assert response.status_code == 409
    assert "You already have a See a doctor or nurse app waiting" in response.content.decode()


def test_the_resident_sees_the_reply_and_shared_history_only(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    officer = staff_in(establishment, "wing")
    app = raise_app(person)
    services.app_comment(app=app, by=officer, text="Staff only note", shared=False)
    services.app_respond(app=app, by=officer, decision="APPROVED", reply="Your kettle comes on Friday.")
    sign_in_resident(client, person)
    body = client.get(reverse("selfservice:my_app", args=[app.pk])).content.decode()
    assert "Your kettle comes on Friday." in body
    assert "Staff only note" not in body
    assert "Yes" in body
    listing = client.get(reverse("selfservice:my_apps")).content.decode()
    assert reverse("selfservice:my_app", args=[app.pk]) in listing


def test_the_home_page_shows_open_apps(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    raise_app(person)
    raise_app(person)
    sign_in_resident(client, person)
    body = client.get(reverse("identity:home")).content.decode()
    assert "2 apps are waiting for an answer." in body


def test_a_resident_gets_404_for_another_residents_app(client: Client, establishment: Any) -> None:
    mine, theirs = make_resident(establishment), make_resident(establishment)
    their_app = raise_app(theirs)
    sign_in_resident(client, mine)
    assert client.get(reverse("selfservice:my_app", args=[their_app.pk])).status_code == 404
    assert client.get(reverse("api:my_app", args=[their_app.pk])).status_code == 404
    assert client.get(reverse("selfservice:staff_app", args=[their_app.pk])).status_code == 403
    assert client.get(reverse("api:my_apps")).json() == []


# --- Staff pages ----------------------------------------------------------------------------------------------


def test_an_officer_works_an_app_from_the_queue(client: Client, establishment: Any) -> None:
    person = make_resident(establishment, last_name="Pritchard")
    officer = staff_in(establishment, "wing")
    app = raise_app(person)
    sign_in_staff(client, officer)
    queue = client.get(reverse("selfservice:queue"))
    assert queue.status_code == 200
    assert app.reference in queue.content.decode()
    found = client.get(reverse("selfservice:queue"), {"query": "pritchard"})
    assert app.reference in found.content.decode()
    not_found = client.get(reverse("selfservice:queue"), {"query": "Nobody"})
    assert app.reference not in not_found.content.decode()

    page = client.get(reverse("selfservice:staff_app", args=[app.pk]))
    assert page.status_code == 200
    assert AuditEntry.objects.filter(action="selfservice.app.viewed", actor_id=officer.pk).exists()
    action = reverse("selfservice:staff_app_action", args=[app.pk, "respond"])
    answer = {"key": key(), "decision": "APPROVED", "reply": "Yes, on Friday."}
    response = client.post(action, answer)
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "APPROVED"
    # The same click again (a retry) changes nothing and shows the same result.
    again = client.post(action, answer)
    assert again.status_code == 302
    assert app.events.filter(kind="decided").count() == 1
    # A different, later answer is refused, and the page says why.
    refused = client.post(action, {**answer, "key": key(), "decision": "DECLINED"})
    assert refused.status_code == 409
    assert "already approved, so it cannot be changed" in refused.content.decode()


def test_forward_and_comment_from_the_page(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    officer = staff_in(establishment, "wing")
    app = raise_app(person)
    sign_in_staff(client, officer)
    comment = client.post(
        reverse("selfservice:staff_app_action", args=[app.pk, "comment"]),
        {"key": key(), "text": "Checked the wing log", "shared": "0"},
    )
    assert comment.status_code == 302
    forward = client.post(
        reverse("selfservice:staff_app_action", args=[app.pk, "forward"]),
        {"key": key(), "department": "finance", "comment": ""},
    )
    # Off this officer's queues now: back to the queue.
    assert forward.status_code == 302
    assert forward["Location"] == reverse("selfservice:queue")
    app.refresh_from_db()
    assert app.department.code == "finance"
    invalid = client.post(reverse("selfservice:staff_app_action", args=[app.pk, "nonsense"]), {})
    assert invalid.status_code == 404


def test_a_missing_answer_is_shown_next_to_the_field(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    officer = staff_in(establishment, "wing")
    app = raise_app(person)
    sign_in_staff(client, officer)
    response = client.post(
        reverse("selfservice:staff_app_action", args=[app.pk, "respond"]), {"key": key(), "reply": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose an answer." in body
    assert "Write a reply for the person." in body


def test_bulk_assignment_from_the_queue(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    officer = staff_in(establishment, "wing")
    colleague = staff_in(establishment, "wing")
    apps = [raise_app(person) for _ in range(2)]
    sign_in_staff(client, officer)
    response = client.post(
        reverse("selfservice:queue_assign"), {"apps": [a.pk for a in apps], "assignee": colleague.pk}
    )
    assert response.status_code == 302
    assert set(App.objects.values_list("assigned_to", flat=True)) == {colleague.pk}
    assert "2 apps assigned" in client.get(response["Location"]).content.decode()


def test_a_person_s_history_page_is_audited(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    officer = staff_in(establishment, "wing")
    app = raise_app(person)
    sign_in_staff(client, officer)
    page = client.get(reverse("selfservice:person_history", args=[person.prison_number]))
    assert page.status_code == 200
    assert app.reference in page.content.decode()
    assert AuditEntry.objects.filter(action="selfservice.history.viewed", subject=person.prison_number).exists()
    assert client.get(reverse("selfservice:person_history", args=["A9999ZZ"])).status_code == 404


# --- API ------------------------------------------------------------------------------------------------------


def test_the_in_cell_app_sends_an_app_idempotently(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    set_up_apps(establishment)
    sign_in_resident(client, person)
    types = client.get(reverse("api:app_types")).json()
    wing = next(t for t in types if t["code"] == "wing")
    payload = {"app_type": wing["id"], "body": "Can I move cell?", "idempotency_key": key()}
    first = client.post(reverse("api:my_apps"), payload, content_type="application/json")
    second = client.post(reverse("api:my_apps"), payload, content_type="application/json")
    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert App.objects.count() == 1
    mine = client.get(reverse("api:my_app", args=[first.json()["id"]])).json()
    assert mine["status"] == "NEW"
    assert [event["kind"] for event in mine["history"]] == ["submitted"]
    empty = client.post(
        reverse("api:my_apps"), {**payload, "idempotency_key": key(), "body": ""}, content_type="application/json"
    )
    assert empty.status_code == 422
    assert empty.json()["fields"] == {"body": ["Write what you need."]}


def test_staff_answer_on_the_api(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    officer = staff_in(establishment, "wing")
    app = raise_app(person)
    sign_in_staff(client, officer)
    queue = client.get(reverse("api:queue")).json()
    assert [item["id"] for item in queue] == [app.pk]
    started = client.post(reverse("api:app_start", args=[app.pk]), {}, content_type="application/json")
    assert started.json()["status"] == "IN_PROGRESS"
    answered = client.post(
        reverse("api:app_respond", args=[app.pk]),
        {"decision": "APPROVED", "reply": "Yes."},
        content_type="application/json",
    )
    assert answered.status_code == 200
    assert answered.json()["status"] == "APPROVED"
    refused = client.post(reverse("api:app_start", args=[app.pk]), {}, content_type="application/json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "app_closed"


def test_a_resident_cannot_use_the_staff_operations_even_with_a_valid_body(client: Client, establishment: Any) -> None:
    person = make_resident(establishment)
    app = raise_app(person)
    sign_in_resident(client, person)
    response = client.post(
        reverse("api:app_respond", args=[app.pk]),
        {"decision": "APPROVED", "reply": "I approve my own app"},
        content_type="application/json",
    )
    assert response.status_code == 403
    app.refresh_from_db()
    assert app.status == "NEW"


def test_a_partner_token_cannot_reach_apps(client: Client, establishment: Any) -> None:
    _user, secret = make_partner()
    response = client.get(reverse("api:queue"), headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
    governor = make_staff("governor", [establishment])
    sign_in_staff(client, governor)
    assert client.get(reverse("api:queue")).status_code == 200
