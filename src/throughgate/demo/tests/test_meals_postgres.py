"""The demo's meals insert their picks on a real PostgreSQL too. Run with DATABASE_URL pointing at PostgreSQL;
skipped on any other database."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests.factories import make_resident
from throughgate.core import activity
from throughgate.demo import meals as demo
from throughgate.selfservice.events import MEAL_CHOSEN_KIND
from throughgate.selfservice.meals.models import MealChoice
from throughgate.selfservice.tests.test_concurrency_postgres import _needs_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
__all__ = ["_needs_postgres"]  # the autouse fixture that skips on SQLite


def test_the_demo_inserts_its_picks_on_postgres(establishment: Any) -> None:
    person = make_resident(establishment, religion="Muslim")

    activity.emit(
        person=person.prison_number,
        kind=MEAL_CHOSEN_KIND,
        occurred_at=timezone.now(),
        source="kiosk",
        idempotency_key="meal:pg",
    )
    assert demo.populate(seed=3) == 1
    assert MealChoice.objects.filter(sheet__person=person).count() > 10
