"""The diet rule, in one place: which dishes a person may pick, what they get when they do not pick, and when a
week's choices close.

- A dish suits a person when it carries every marker of their recorded diet (a halal diet sees only halal dishes,
  a vegan diet only vegan ones, halal and gluten free only dishes that are both). A vegan dish counts as
  vegetarian too. Someone with no recorded diet may pick any dish.
- The default for a meal is the first dish on the list (the kitchen's order) that suits the person. If none does,
  the kitchen makes a special-diet meal for them (``None``).
- Choices for a week close on the establishment's cut-off day and time in the week before, in local time
  (Europe/London), so a "Thursday 17:00" cut-off is 17:00 on the wall clock in winter and in summer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from django.utils import timezone

VEGAN = "vegan"
VEGETARIAN = "vegetarian"


class HasMarkers(Protocol):
    @property
    def markers(self) -> list[str]: ...


T = TypeVar("T", bound=HasMarkers)


def effective_markers(markers: Iterable[str]) -> frozenset[str]:
    """A dish's markers with what they imply: vegan food is vegetarian food."""
    found = set(markers)
    if VEGAN in found:
        found.add(VEGETARIAN)
    return frozenset(found)


def suits(markers: Iterable[str], needs: Iterable[str]) -> bool:
    """True when a dish with these markers suits a diet with these needs."""
    return set(needs) <= effective_markers(markers)


def allowed(options: Sequence[T], needs: Iterable[str]) -> list[T]:
    """The options of one meal that suit the diet, in the kitchen's order."""
    wanted = set(needs)
    return [option for option in options if suits(option.markers, wanted)]


def default_option(options: Sequence[T], needs: Iterable[str]) -> T | None:
    """What a person gets when they do not choose: the first suitable option, or None (a special-diet meal)."""
    fitting = allowed(options, needs)
    return fitting[0] if fitting else None


def closes_at(*, week_start: dt.date, cutoff_weekday: int, cutoff_time: dt.time) -> dt.datetime:
    """When choices for the week starting ``week_start`` (a Monday) close: the cut-off weekday of the week before,
    at the cut-off time on the local wall clock. A time skipped when the clocks go forward counts as the same
    time before the change (an hour later on the wall clock); a time that happens twice when they go back counts
    the first time."""
    day = week_start - dt.timedelta(days=7) + dt.timedelta(days=cutoff_weekday)
    local = timezone.make_aware(dt.datetime.combine(day, cutoff_time), timezone.get_default_timezone())
    # In UTC, so that the instant compares equal to itself from any zone (Python never equates a skipped or
    # repeated local time with another zone's time).
    return local.astimezone(dt.UTC)


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
