"""Apps: the lifecycle, idempotent submission, one open app per type, deadlines, forwarding, comments, assignment,
escalation, audit rows and activity events, and who may see what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import EstablishmentFactory, make_resident, make_staff
from throughgate.core.errors import InvalidInput, InvalidTransition, LimitExceeded, NotVisible
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.selfservice import lifecycle
from throughgate.selfservice.applications import selectors, services
from throughgate.selfservice.applications.models import App, AppEvent, AppStatus, AppType
from throughgate.selfservice.tests.factories import app_type, department, key, raise_app, staff_in

pytestmark = pytest.mark.django_db

ALL = [status.value for status in AppStatus]
ALLOWED = {(current, target) for current, targets in lifecycle.ALLOWED.items() for target in targets}


# --- Lifecycle ------------------------------------------------------------------------------------------------


def test_the_lifecycle_table_is_the_reference_one() -> None:
    assert {
        ("NEW", "IN_PROGRESS"),
        ("IN_PROGRESS", "APPROVED"),
        ("IN_PROGRESS", "DECLINED"),
        ("IN_PROGRESS", "REJECTED"),
    } == ALLOWED


def _app_in(status: str, establishment: Any) -> tuple[App, Any]:
    person = make_resident(establishment)
    officer = staff_in(establishment, "wing")
    app = raise_app(person)
    if status != "NEW":
        app = services.app_start(app=app, by=officer)
    if status in ("APPROVED", "DECLINED", "REJECTED"):
        app = services.app_respond(app=app, by=officer, decision=status, reply="Done.")
    assert app.status == status
    return app, officer


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_every_allowed_transition_works(current: str, target: str, establishment: Any) -> None:
    app, officer = _app_in(current, establishment)
    services.app_transition(app=app, to=target, by=officer, text="Reply.")
    app.refresh_from_db()
    assert app.status == target
    assert app.events.filter(to_status=target).exists()
    if target in ("APPROVED", "DECLINED", "REJECTED"):
        assert app.decided_at is not None
        assert app.decided_by == officer


@pytest.mark.parametrize(
    ("current", "target"), [(c, t) for c in ALL for t in ALL if (c, t) not in ALLOWED], ids=lambda v: v
)
def test_every_other_transition_is_refused_with_a_reason(current: str, target: str, establishment: Any) -> None:
    app, officer = _app_in(current, establishment)
    with pytest.raises(InvalidTransition) as refused:
        services.app_transition(app=app, to=target, by=officer)
    assert refused.value.message  # says why
    assert refused.value.status == 409
    app.refresh_from_db()
    assert app.status == current


def test_refusal_reasons_say_what_to_do() -> None:
    with pytest.raises(InvalidTransition, match="already approved, so it cannot be changed"):
        lifecycle.check_transition("APPROVED", "DECLINED")
    with pytest.raises(InvalidTransition, match="cannot go back to new"):
        lifecycle.check_transition("IN_PROGRESS", "NEW")
    with pytest.raises(InvalidTransition, match="Start work on this app"):
        lifecycle.check_transition("NEW", "APPROVED")
    with pytest.raises(InvalidTransition, match="already in progress"):
        lifecycle.check_transition("IN_PROGRESS", "IN_PROGRESS")


def test_answering_a_new_app_starts_it_first_and_both_steps_are_in_the_history(establishment: Any) -> None:
    person = make_resident(establishment)
    officer = staff_in(establishment, "wing")
    app = raise_app(person)
    services.app_respond(app=app, by=officer, decision="APPROVED", reply="Yes, on Friday.")
    app.refresh_from_db()
    assert app.status == "APPROVED"
    assert app.reply == "Yes, on Friday."
    assert list(app.events.values_list("kind", flat=True)) == ["submitted", "started", "decided"]


# --- Submission -----------------------------------------------------------------------------------------------


def test_submitting_stores_the_app_with_its_deadline_audit_row_and_activity_event(establishment: Any) -> None:
    person = make_resident(establishment)
    healthcare = app_type(establishment, "doctor")
    submitted = services.app_submit(
        user=person.user, app_type=healthcare, body="  My tooth hurts.  ", idempotency_key=key()
    )
    app = submitted.app
    assert submitted.created
    assert app.body == "My tooth hurts."
    assert app.department.code == "healthcare"
    assert app.status == "NEW"
    assert app.due_on > timezone.localdate(app.submitted_at)
    audit = AuditEntry.objects.get(action="selfservice.app.submitted")
    assert audit.subject == person.prison_number
    assert audit.object_id == str(app.pk)
    event = ActivityEvent.objects.get(kind="app.submitted")
    assert event.person == person.prison_number
    assert event.payload["type"] == "doctor"


def test_the_same_key_stores_once_and_returns_the_first_app(establishment: Any) -> None:
    person = make_resident(establishment)
    chosen = app_type(establishment, "wing")
    same = key()
    first = services.app_submit(user=person.user, app_type=chosen, body="A kettle", idempotency_key=same)
    again = services.app_submit(user=person.user, app_type=chosen, body="A kettle", idempotency_key=same)
    assert first.created
    assert not again.created
    assert again.app.pk == first.app.pk
    assert App.objects.count() == 1
    assert ActivityEvent.objects.filter(kind="app.submitted").count() == 1
    assert AuditEntry.objects.filter(action="selfservice.app.submitted").count() == 1


def test_a_key_is_per_person(establishment: Any) -> None:
    shared = key()
    one, two = make_resident(establishment), make_resident(establishment)
    raise_app(one, idempotency_key=shared)
    raise_app(two, idempotency_key=shared)
    assert App.objects.count() == 2


@pytest.mark.parametrize("bad", ["", "short", "has spaces in it", "x" * 65, "<script>alert</script>"])
def test_a_missing_or_malformed_key_is_refused(bad: str, establishment: Any) -> None:
    person = make_resident(establishment)
    with pytest.raises(InvalidInput):
        services.app_submit(user=person.user, app_type=app_type(establishment, "wing"), body="x", idempotency_key=bad)


def test_an_empty_or_too_long_app_is_refused_with_a_field_error(establishment: Any) -> None:
    person = make_resident(establishment)
    chosen = app_type(establishment, "wing")
    with pytest.raises(InvalidInput) as empty:
        services.app_submit(user=person.user, app_type=chosen, body="   ", idempotency_key=key())
    assert empty.value.field == "body"
    with pytest.raises(InvalidInput):
        services.app_submit(user=person.user, app_type=chosen, body="x" * 2001, idempotency_key=key())
    assert App.objects.count() == 0


def test_one_open_app_per_type_where_the_type_says_so(establishment: Any) -> None:
    person = make_resident(establishment)
    officer = staff_in(establishment, "healthcare", "healthcare")
    first = raise_app(person, "doctor")
    with pytest.raises(LimitExceeded, match="already have a See a doctor or nurse app waiting"):
        raise_app(person, "doctor")
    # Types without the rule take any number.
    raise_app(person, "wing")
    raise_app(person, "wing")
    # Once answered, another can be sent.
    services.app_respond(app=first, by=officer, decision="APPROVED", reply="Tuesday at 10.")
    raise_app(person, "doctor")
    assert App.objects.filter(app_type__code="doctor").count() == 2


def test_the_database_refuses_a_second_open_app_of_a_one_at_a_time_type(establishment: Any) -> None:
    from django.db import IntegrityError, transaction

    person = make_resident(establishment)
    first = raise_app(person, "doctor")
    with pytest.raises(IntegrityError), transaction.atomic():
        App.objects.create(
            person=person,
            establishment=establishment,
            app_type=first.app_type,
            department=first.department,
            body="again",
            due_on=first.due_on,
            one_pending=True,
            idempotency_key=key(),
        )


def test_a_resident_cannot_use_another_establishments_app_type(establishment: Any, other_establishment: Any) -> None:
    person = make_resident(establishment)
    elsewhere = app_type(other_establishment, "wing")
    with pytest.raises(NotVisible):
        services.app_submit(user=person.user, app_type=elsewhere, body="x", idempotency_key=key())


def test_staff_cannot_submit_apps(establishment: Any) -> None:
    officer = staff_in(establishment, "wing")
    with pytest.raises(PermissionDenied):
        services.app_submit(user=officer, app_type=app_type(establishment, "wing"), body="x", idempotency_key=key())


@pytest.mark.parametrize(
    ("submitted", "days", "due"),
    [
        (dt.datetime(2026, 12, 23, 16, 0), 3, dt.date(2026, 12, 30)),  # over Christmas
        (dt.datetime(2026, 4, 2, 9, 0), 3, dt.date(2026, 4, 9)),  # over Easter
        (dt.datetime(2026, 11, 27, 23, 30), 3, dt.date(2026, 12, 2)),  # late on a Friday, London time
    ],
)
def test_the_deadline_counts_working_days(
    submitted: dt.datetime, days: int, due: dt.date, establishment: Any, monkeypatch: Any
) -> None:
    from zoneinfo import ZoneInfo

    at = submitted.replace(tzinfo=ZoneInfo("Europe/London"))
    monkeypatch.setattr(timezone, "now", lambda: at)
    person = make_resident(establishment)
    AppType.objects.filter(establishment=establishment).update(response_days=days)
    assert raise_app(person, "wing").due_on == due


# --- Staff work -----------------------------------------------------------------------------------------------


def test_responding_writes_the_reply_audit_row_and_activity_event(establishment: Any) -> None:
    person = make_resident(establishment)
    officer = staff_in(establishment, "wing")
    app = raise_app(person)
    services.app_start(app=app, by=officer)
    app = services.app_respond(app=app, by=officer, decision="DECLINED", reply="Not this week.")
    assert app.status == "DECLINED"
    assert app.assigned_to == officer
    assert AuditEntry.objects.filter(action="selfservice.app.responded", object_id=str(app.pk)).count() == 1
    event = ActivityEvent.objects.get(kind="app.responded")
    assert event.person == person.prison_number
    assert event.payload["decision"] == "DECLINED"


def test_a_double_clicked_answer_is_stored_once(establishment: Any) -> None:
    person = make_resident(establishment)
    officer = staff_in(establishment, "wing")
    app = raise_app(person)
    same = key()
    services.app_respond(app=app, by=officer, decision="APPROVED", reply="Yes.", idempotency_key=same)
    again = services.app_respond(app=app, by=officer, decision="APPROVED", reply="Yes.", idempotency_key=same)
    assert again.status == "APPROVED"
    assert AppEvent.objects.filter(app=app, kind="decided").count() == 1
    assert ActivityEvent.objects.filter(kind="app.responded").count() == 1


def test_forwarding_moves_the_app_to_the_other_queue(establishment: Any) -> None:
    person = make_resident(establishment)
    wing_officer = staff_in(establishment, "wing")
    finance_officer = staff_in(establishment, "finance")
    app = raise_app(person)
    services.app_start(app=app, by=wing_officer)
    services.app_forward(
        app=app, by=wing_officer, department=department(establishment, "finance"), comment="Money question"
    )
    app.refresh_from_db()
    assert app.department.code == "finance"
    assert app.assigned_to is None
    assert app.status == "IN_PROGRESS"
    # Now it is on the finance queue and off the wing's.
    finance_queue = selectors.app_queue(
        user=finance_officer, establishment=establishment, filters=selectors.QueueFilters()
    )
    assert list(finance_queue) == [app]
    wing_queue = selectors.app_queue(user=wing_officer, establishment=establishment, filters=selectors.QueueFilters())
    assert list(wing_queue) == []
    with pytest.raises(NotVisible):
        services.app_comment(app=app, by=wing_officer, text="x", shared=False)
    # The resident sees where it went.
    assert [e.kind for e in selectors.shared_events(app=app)] == ["submitted", "started", "forwarded"]


def test_forwarding_to_the_same_or_another_prisons_department_is_refused(
    establishment: Any, other_establishment: Any
) -> None:
    person = make_resident(establishment)
    officer = staff_in(establishment, "wing")
    app = raise_app(person)
    with pytest.raises(InvalidInput):
        services.app_forward(app=app, by=officer, department=department(establishment, "wing"))
    with pytest.raises(NotVisible):
        services.app_forward(app=app, by=officer, department=department(other_establishment, "finance"))


def test_a_closed_app_cannot_be_forwarded(establishment: Any) -> None:
    person = make_resident(establishment)
    officer = staff_in(establishment, "wing")
    app = raise_app(person)
    services.app_respond(app=app, by=officer, decision="REJECTED", reply="Use the canteen sheet.")
    with pytest.raises(InvalidTransition, match="already rejected"):
        services.app_forward(app=app, by=officer, department=department(establishment, "finance"))


def test_staff_only_comments_are_hidden_from_the_resident(establishment: Any) -> None:
    person = make_resident(establishment)
    officer = staff_in(establishment, "wing")
    app = raise_app(person)
    services.app_comment(app=app, by=officer, text="Check his property card first", shared=False)
    services.app_comment(app=app, by=officer, text="We are checking.", shared=True)
    seen = [e.text for e in selectors.shared_events(app=app)]
    assert "We are checking." in seen
    assert "Check his property card first" not in seen
    assert len(selectors.app_history(app=app)) == 3


def test_bulk_assignment(establishment: Any) -> None:
    person = make_resident(establishment)
    manager = staff_in(establishment, "wing")
    colleague = staff_in(establishment, "wing")
    apps = [raise_app(person) for _ in range(3)]
    count = services.apps_assign(
        app_ids=[a.pk for a in apps], assignee=colleague, by=manager, establishment=establishment
    )
    assert count == 3
    assert set(App.objects.values_list("assigned_to", flat=True)) == {colleague.pk}
    assert AuditEntry.objects.filter(action="selfservice.app.assigned").count() == 3
    mine = selectors.app_queue(
        user=colleague, establishment=establishment, filters=selectors.QueueFilters(assigned="me")
    )
    assert mine.count() == 3


def test_bulk_assignment_refuses_apps_and_people_outside_the_department(establishment: Any) -> None:
    person = make_resident(establishment)
    manager = staff_in(establishment, "wing")
    outsider = staff_in(establishment, "finance")
    health = raise_app(person, "doctor")
    wing = raise_app(person)
    with pytest.raises(NotVisible):
        services.apps_assign(app_ids=[health.pk], assignee=manager, by=manager, establishment=establishment)
    with pytest.raises(InvalidInput, match="does not work in"):
        services.apps_assign(app_ids=[wing.pk], assignee=outsider, by=manager, establishment=establishment)


def test_overdue_apps_are_flagged_and_escalated_to_the_lead(establishment: Any) -> None:
    person = make_resident(establishment)
    lead = staff_in(establishment, "wing", lead=True)
    officer = staff_in(establishment, "wing")
    late = raise_app(person)
    answered = raise_app(person)
    services.app_respond(app=answered, by=officer, decision="APPROVED", reply="Yes.")
    later = late.due_on + dt.timedelta(days=1)
    assert late.is_overdue(later)
    assert services.apps_escalate_overdue(today=later) == 1
    assert services.apps_escalate_overdue(today=later) == 0  # once only
    late.refresh_from_db()
    assert late.escalated_to == lead
    assert late.events.filter(kind="escalated", shared=False).exists()
    assert AuditEntry.objects.filter(action="selfservice.app.escalated").count() == 1
    escalated = selectors.app_queue(
        user=lead, establishment=establishment, filters=selectors.QueueFilters(escalated_to_me=True)
    )
    assert list(escalated) == [late]
    overdue = selectors.app_queue(
        user=officer, establishment=establishment, filters=selectors.QueueFilters(overdue=True, today=later)
    )
    assert list(overdue) == [late]


def test_the_queue_is_ordered_by_deadline_and_searchable(establishment: Any) -> None:
    officer = staff_in(establishment, "wing")
    jones = make_resident(establishment, last_name="Jones", first_name="Sam")
    evans = make_resident(establishment, last_name="Evans", first_name="Rhys")
    first = raise_app(jones)
    second = raise_app(evans)
    App.objects.filter(pk=second.pk).update(due_on=first.due_on - dt.timedelta(days=3))
    queue = selectors.app_queue(user=officer, establishment=establishment, filters=selectors.QueueFilters())
    assert list(queue) == [second, first]
    by_number = selectors.QueueFilters(query=jones.prison_number.lower())
    assert list(selectors.app_queue(user=officer, establishment=establishment, filters=by_number)) == [first]
    by_name = selectors.QueueFilters(query="rhys evans")
    assert list(selectors.app_queue(user=officer, establishment=establishment, filters=by_name)) == [second]


# --- Who sees what --------------------------------------------------------------------------------------------


def test_a_resident_never_sees_another_residents_apps(establishment: Any) -> None:
    mine, theirs = make_resident(establishment), make_resident(establishment)
    their_app = raise_app(theirs)
    assert list(selectors.apps_of_resident(user=mine.user)) == []
    with pytest.raises(NotVisible):
        selectors.app_of_resident(user=mine.user, app_id=their_app.pk)


def test_staff_see_only_their_departments_in_their_prison(establishment: Any, other_establishment: Any) -> None:
    person = make_resident(establishment)
    health_app = raise_app(person, "doctor")
    wing_app = raise_app(person)
    wing_officer = staff_in(establishment, "wing")
    nurse = staff_in(establishment, "healthcare", "healthcare")
    governor = make_staff("governor", [establishment])
    elsewhere = staff_in(other_establishment, "wing")
    everything = selectors.QueueFilters(status="all")
    assert list(selectors.app_queue(user=wing_officer, establishment=establishment, filters=everything)) == [wing_app]
    assert list(selectors.app_queue(user=nurse, establishment=establishment, filters=everything)) == [health_app]
    assert set(selectors.app_queue(user=governor, establishment=establishment, filters=everything)) == {
        health_app,
        wing_app,
    }
    # Someone from another prison sees nothing here, even asking for this prison.
    assert list(selectors.app_queue(user=elsewhere, establishment=establishment, filters=everything)) == []
    with pytest.raises(NotVisible):
        selectors.app_for_staff(user=wing_officer, establishment=establishment, app_id=health_app.pk)
    with pytest.raises(NotVisible):
        services.app_respond(app=health_app, by=wing_officer, decision="APPROVED", reply="x")


def test_staff_reads_of_an_app_are_audited(establishment: Any) -> None:
    person = make_resident(establishment)
    officer = staff_in(establishment, "wing")
    app = raise_app(person)
    selectors.app_for_staff(user=officer, establishment=establishment, app_id=app.pk)
    entry = AuditEntry.objects.get(action="selfservice.app.viewed")
    assert entry.actor_id == officer.pk
    assert entry.subject == person.prison_number


def test_types_are_per_establishment_and_named_in_welsh(establishment: Any) -> None:
    from django.utils import translation

    cardiff = EstablishmentFactory(code="CFI", name="HMP Cardiff Demo", is_welsh=True)
    app_type(establishment, "wing")
    app_type(cardiff, "wing")
    AppType.objects.filter(establishment=cardiff, code="education").update(active=False)
    person = make_resident(cardiff)
    options = selectors.app_types_for_resident(user=person.user)
    assert {o.app_type.establishment_id for o in options} == {cardiff.pk}
    assert "education" not in {o.app_type.code for o in options}
    with translation.override("cy"):
        assert options[0].app_type.display_name == "Gweld meddyg neu nyrs"
    assert options[0].app_type.display_name == "See a doctor or nurse"


def test_the_daily_escalation_command(establishment: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    person = make_resident(establishment)
    staff_in(establishment, "wing", lead=True)
    late = raise_app(person)
    out = StringIO()
    call_command("selfservice_escalate", "--today", (late.due_on + dt.timedelta(days=1)).isoformat(), stdout=out)
    assert out.getvalue().splitlines() == ["1 overdue app(s) escalated", "0 overdue complaint(s) escalated"]
    late.refresh_from_db()
    assert late.escalated_at is not None
