"""Working days in England and Wales: Monday to Friday, not a bank holiday (from the maintained ``holidays``
package; England and Wales share one list, and an establishment in Wales uses the WLS subdivision)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

from throughgate.identity.models import Establishment

ENGLAND = "ENG"
WALES = "WLS"


@lru_cache(maxsize=64)
def _bank_holidays(subdivision: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv=subdivision, years=[year]).keys())


def is_working_day(day: date, subdivision: str = ENGLAND) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(subdivision, day.year)


def add_working_days(start: date, days: int, subdivision: str = ENGLAND) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts, whatever day it is)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, subdivision):
            counted += 1
    return day


def working_days_between(start: date, end: date, subdivision: str = ENGLAND) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is before ``start``)."""
    if end < start:
        return -working_days_between(end, start, subdivision)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, subdivision):
            count += 1
    return count


def subdivision_of(establishment: Establishment) -> str:
    """The bank-holiday list an establishment keeps: Wales's or England's."""
    return WALES if establishment.is_welsh else ENGLAND
