"""The demo's meals (``throughgate.demo.meals``): menus and sheets that follow the activity stream and religion."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import make_resident
from throughgate.core import activity
from throughgate.core.models import ActivityEvent
from throughgate.demo import meals as demo
from throughgate.selfservice.events import MEAL_CHOSEN_KIND
from throughgate.selfservice.meals import rules, selectors
from throughgate.selfservice.meals.models import MealChoice, MealSheet, Menu, RecordedDiet

pytestmark = pytest.mark.django_db


def test_demo_meals_follow_the_activity_stream_and_religion(establishment: Any, other_establishment: Any) -> None:
    people = [make_resident(establishment, religion="Muslim" if n % 2 else "No religion") for n in range(40)] + [
        make_resident(other_establishment, religion="Jewish") for _n in range(10)
    ]
    released = make_resident(None, religion="Muslim")
    released.establishment = None
    released.save()
    today = timezone.localdate()
    thursday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=3)
    events = 0
    for weeks_back in range(4):
        day = thursday - dt.timedelta(weeks=weeks_back)
        for n, person in enumerate([*people, released]):
            when = timezone.make_aware(dt.datetime.combine(day, dt.time(10 + n % 9, 0)))
            activity.emit(
                person=person.prison_number,
                kind=MEAL_CHOSEN_KIND,
                occurred_at=when,
                source="kiosk",
                idempotency_key=f"meal:{person.prison_number}:{day}",
            )
            events += 1
    before = ActivityEvent.objects.count()
    written = demo.populate(seed=7)
    assert written == MealSheet.objects.count() == 4 * len(people)  # not the released person's
    assert ActivityEvent.objects.count() == before  # no new events
    # Menus for every week chosen for, and this week, next week and the one after, in both prisons.
    weeks = {thursday - dt.timedelta(weeks=n) - dt.timedelta(days=3) + dt.timedelta(days=7) for n in range(4)}
    monday = rules.monday_of(today)
    weeks |= {monday, monday + dt.timedelta(days=7), monday + dt.timedelta(days=14)}
    for place in (establishment, other_establishment):
        assert set(Menu.objects.filter(establishment=place).values_list("week_start", flat=True)) == weeks
        assert selectors.settings_of(place).cutoff_weekday == thursday.weekday()
    # Every sheet was sent before its week's cut-off, and every pick suits the person's diet.
    for sheet in MealSheet.objects.select_related("menu", "person"):
        assert sheet.submitted_at < selectors.closes_at(sheet.menu)
    needs = dict(RecordedDiet.objects.values_list("person_id", "needs"))
    for choice in MealChoice.objects.select_related("option", "sheet"):
        assert rules.suits(choice.option.markers, needs.get(choice.sheet.person_id, []))
    assert MealChoice.objects.count() > 0.8 * 21 * MealSheet.objects.count()
    # Religious diets follow religion: most Muslims halal, no halal diet for anyone else.
    muslims = [p for p in people if p.religion == "Muslim"]
    halal = [pk for pk, values in needs.items() if "halal" in values]
    assert set(halal) <= {p.pk for p in muslims}
    assert len(halal) >= len(muslims) // 2
    # Run again: the same, replaced, not doubled.
    assert demo.populate(seed=7) == written
    assert MealSheet.objects.count() == written
