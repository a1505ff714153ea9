from datetime import datetime, time, timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.insights import jobs
from throughgate.insights.events import ROLLUP_REBUILT
from throughgate.insights.rollups import services
from throughgate.insights.rollups.models import DailyFigure, RolledDay
from throughgate.insights.tests.estate import TODAY, build
from throughgate.people.models import Person

pytestmark = pytest.mark.django_db


def _figures() -> set[tuple[object, ...]]:
    return set(DailyFigure.objects.values_list("day", "establishment_id", "wing", "kind", "events", "total"))


def test_every_day_is_rolled_up_from_the_first_event_to_yesterday() -> None:
    estate = build(weeks=2)
    result = services.roll_up_new_days(today=TODAY)
    assert result.days == 14
    days = list(RolledDay.objects.values_list("day", flat=True))
    assert days[0] == TODAY - timedelta(days=14)
    assert days[-1] == TODAY - timedelta(days=1)
    # Every measured event of a person held in a prison is in exactly one figure; the unknown person's is not.
    held = Person.objects.filter(establishment__isnull=False).values("prison_number")
    measured = ActivityEvent.objects.filter(kind__in=services.KINDS, person__in=held)
    assert DailyFigure.objects.aggregate(n=Sum("events"))["n"] == measured.count() == estate.events
    assert not DailyFigure.objects.filter(kind="cell.moved").exists()


def test_a_wing_figure_counts_the_events_of_the_people_on_that_wing() -> None:
    build(weeks=1)
    services.roll_up_new_days(today=TODAY)
    day = TODAY - timedelta(days=3)
    start, end = services.day_bounds(day)
    for figure in DailyFigure.objects.filter(day=day):
        people = Person.objects.filter(establishment_id=figure.establishment_id)
        if figure.wing:
            people = people.filter(location__key__startswith=f"{figure.establishment.code}-{figure.wing}-")
        else:
            people = people.filter(location=None)
        rows = ActivityEvent.objects.filter(
            kind=figure.kind, occurred_at__gte=start, occurred_at__lt=end, person__in=people.values("prison_number")
        )
        assert figure.events == rows.count()
        assert figure.total == pytest.approx(rows.aggregate(s=Sum("value"))["s"])
    assert DailyFigure.objects.filter(day=day).count() > 4


def test_the_job_rolls_up_only_new_days_and_a_repeat_changes_nothing() -> None:
    build(weeks=2)
    services.roll_up_new_days(today=TODAY - timedelta(days=3))
    first_pass = dict(RolledDay.objects.values_list("day", "rolled_at"))
    before = _figures()
    slot = datetime.combine(TODAY, time(0, 45), tzinfo=timezone.get_current_timezone())
    assert jobs.roll_up(slot=slot)["days"] == 3
    again = dict(RolledDay.objects.values_list("day", "rolled_at"))
    assert all(again[day] == at for day, at in first_pass.items())  # the old days were not touched
    assert before <= _figures()
    after = _figures()
    assert jobs.roll_up(slot=slot) == {"days": 0, "events": 0, "rows": 0}
    assert _figures() == after


def test_rebuild_gives_the_same_figures_as_the_nightly_runs_and_is_audited() -> None:
    build(weeks=2)
    for back in range(14, -1, -1):
        services.roll_up_new_days(today=TODAY - timedelta(days=back))
    nightly = _figures()
    result = services.rebuild(today=TODAY)
    assert result.days == 14
    assert _figures() == nightly
    assert AuditEntry.objects.filter(action=ROLLUP_REBUILT).count() == 1


def test_the_job_is_on_the_schedule() -> None:
    from config.schedule import JOBS

    job = next(job for job in JOBS if job.name == "insights.roll_up")
    assert job.run == "throughgate.insights.jobs.roll_up"


def test_the_demo_step_rolls_up_the_estate_and_its_reset_empties_the_figures() -> None:
    from throughgate.insights import demo
    from throughgate.people import demo_hooks

    assert "Insights daily figures" in demo_hooks.STEPS
    build(weeks=1)
    said: list[str] = []
    counts = demo.populate(say=said.append)
    assert counts["insights days rolled up"] == RolledDay.objects.count() > 7
    assert counts["insights daily figures"] == DailyFigure.objects.count() > 0
    assert said
    demo.reset()
    assert not DailyFigure.objects.exists()
    assert not RolledDay.objects.exists()
