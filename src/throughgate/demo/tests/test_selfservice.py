"""The demo estate's self-service history: records made from the demo's own activity events (so both agree), no new
events, a sound ledger, running it again adds nothing, and demo_estate runs it as one of its steps."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Sum

from throughgate.core.models import ActivityEvent
from throughgate.demo import estate as demo
from throughgate.demo import selfservice as selfservice_demo
from throughgate.people import demo_hooks
from throughgate.selfservice.applications.models import App, AppStatus, Department
from throughgate.selfservice.complaints.models import Complaint, ComplaintStatus
from throughgate.selfservice.money.models import CanteenOrder, LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def estate() -> None:
    built = demo.generate(demo.DemoOptions(prisons=2, people=60, days=28, seed=5))
    demo.save(built)


def _per_person(kind: str) -> Counter[str]:
    return Counter(ActivityEvent.objects.filter(kind=kind, source="demo").values_list("person", flat=True))


def test_records_agree_with_the_activity_stream_and_add_no_event(estate: None) -> None:
    events_before = ActivityEvent.objects.count()
    counts = selfservice_demo.populate(seed=5, other_areas=False)
    assert ActivityEvent.objects.count() == events_before

    # One app per app.submitted, one answered app per app.responded, per person.
    apps = Counter(App.objects.values_list("person__prison_number", flat=True))
    assert apps == _per_person("app.submitted")
    answered = Counter(
        App.objects.exclude(status__in=[AppStatus.NEW, AppStatus.IN_PROGRESS]).values_list(
            "person__prison_number", flat=True
        )
    )
    assert answered == _per_person("app.responded")
    assert counts.apps == App.objects.count() > 0
    # Every app is routed to a department of the person's prison, and each overdue open one went to the lead.
    assert not App.objects.exclude(department__establishment=F("establishment")).exists()
    for app in App.objects.filter(escalated_at__isnull=False).select_related("department"):
        assert app.is_open
        assert app.escalated_to_id == app.department.lead_id
    # Complaints, canteen orders and money received, person by person.
    assert Counter(Complaint.objects.values_list("person__prison_number", flat=True)) == _per_person(
        "complaint.submitted"
    )
    assert Counter(CanteenOrder.objects.values_list("person__prison_number", flat=True)) == _per_person(
        "canteen.ordered"
    )
    received = Counter(
        LedgerEntry.objects.filter(kind="credit")
        .exclude(description="Balance brought forward")
        .values_list("account__person__prison_number", flat=True)
    )
    assert received == _per_person("money.received")
    # The same amounts: canteen orders cost what the events say, and their lines add up to it.
    spent = dict(ActivityEvent.objects.filter(kind="canteen.ordered").values_list("idempotency_key", "value"))
    assert len(spent) == CanteenOrder.objects.count()
    for order in CanteenOrder.objects.annotate(lines_total=Sum(F("lines__quantity") * F("lines__unit_price"))):
        assert order.lines_total == order.total
    total_events = round(sum(spent.values()) * 100)
    assert CanteenOrder.objects.aggregate(t=Sum("total"))["t"] == total_events
    assert counts.complaints == Complaint.objects.count()
    assert Complaint.objects.filter(status=ComplaintStatus.ANSWERED).exists()


def test_the_ledger_is_a_sound_chain_that_never_goes_below_zero(estate: None) -> None:
    selfservice_demo.populate(seed=5, other_areas=False)
    assert LedgerEntry.objects.exists()
    assert not LedgerEntry.objects.filter(balance_after__lt=0).exists()
    for account_id in LedgerEntry.objects.values_list("account_id", flat=True).distinct():
        running = 0
        for seq, entry in enumerate(LedgerEntry.objects.filter(account_id=account_id).order_by("seq"), start=1):
            assert entry.seq == seq
            assert entry.prev_balance == running
            running += entry.amount
            assert entry.balance_after == running
    # Canteen is paid from spends; the entries point at their orders.
    canteen = LedgerEntry.objects.filter(kind="canteen")
    assert set(canteen.values_list("account__kind", flat=True)) == {"spends"}
    assert canteen.filter(order__isnull=True).count() == 0


def test_departments_are_staffed_and_running_again_adds_nothing(estate: None) -> None:
    selfservice_demo.populate(seed=5, other_areas=False)
    for department in Department.objects.annotate(n=Count("members")):
        assert department.n > 0 or department.lead_id is not None, department
    totals = (App.objects.count(), Complaint.objects.count(), CanteenOrder.objects.count(), LedgerEntry.objects.count())
    again = selfservice_demo.populate(seed=5, other_areas=False)
    assert (again.apps, again.complaints, again.orders, again.entries) == (0, 0, 0, 0)
    assert totals == (
        App.objects.count(),
        Complaint.objects.count(),
        CanteenOrder.objects.count(),
        LedgerEntry.objects.count(),
    )


def test_demo_estate_runs_the_self_service_step() -> None:
    assert "self-service history" in demo_hooks.STEPS
    out = StringIO()
    call_command("demo_estate", "--prisons", "1", "--people", "30", "--days", "14", "--no-progress", stdout=out)
    text = out.getvalue()
    assert "self-service apps" in text
    assert App.objects.count() == ActivityEvent.objects.filter(kind="app.submitted").count()
    # --reset removes the self-service records first (they refer to the people it deletes), then builds again.
    out = StringIO()
    call_command(
        "demo_estate", "--prisons", "1", "--people", "30", "--days", "14", "--no-progress", "--reset", stdout=out
    )
    assert "self-service rows" in out.getvalue()
    assert App.objects.count() == ActivityEvent.objects.filter(kind="app.submitted").count()
