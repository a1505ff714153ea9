"""Meals on a real PostgreSQL: 20 parallel retries of one meal sheet store one sheet, one event and one audit row;
20 parallel sheets with different keys leave exactly one current sheet for the week.
Run with DATABASE_URL pointing at PostgreSQL; skipped on any other database."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import make_resident
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.selfservice.events import MEAL_CHOSEN_KIND
from throughgate.selfservice.meals import services
from throughgate.selfservice.meals.models import MealChoice, MealSheet
from throughgate.selfservice.meals.tests.factories import make_menu, open_until_sunday, option, slot
from throughgate.selfservice.tests.factories import key
from throughgate.selfservice.tests.test_concurrency_postgres import PARALLEL, _needs_postgres, run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
__all__ = ["_needs_postgres"]  # the autouse fixture that skips on SQLite


def test_twenty_parallel_retries_of_one_meal_sheet_store_one(establishment: Any) -> None:
    person = make_resident(establishment)
    open_until_sunday(establishment)
    menu = make_menu(establishment)
    picks = {slot(menu.week_start): option(menu, "Cheese pie").pk}
    same = key()
    results = run_together(
        lambda _i: services.meals_choose(
            user=person.user, week_start=menu.week_start, choices=picks, idempotency_key=same
        )
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(1 for r in results if r.created) == 1
    assert {r.sheet.pk for r in results} == {MealSheet.objects.get().pk}
    assert MealChoice.objects.count() == 1
    assert ActivityEvent.objects.filter(kind=MEAL_CHOSEN_KIND).count() == 1
    assert AuditEntry.objects.filter(action="selfservice.meals.chosen").count() == 1


def test_parallel_changes_leave_one_current_sheet(establishment: Any) -> None:
    person = make_resident(establishment)
    open_until_sunday(establishment)
    menu = make_menu(establishment)
    dishes = [option(menu, name).pk for name in ("Beef stew", "Halal chicken", "Cheese pie", "Bean chilli")]
    results = run_together(
        lambda i: services.meals_choose(
            user=person.user,
            week_start=menu.week_start,
            choices={slot(menu.week_start): dishes[i % 4]},
            idempotency_key=key(),
        )
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert MealSheet.objects.count() == PARALLEL
    current = MealSheet.objects.get(current=True)  # exactly one, whoever committed last
    assert MealChoice.objects.get(sheet=current).option_id in dishes
