"""Working days in England and Wales: weekends and bank holidays do not count."""

from __future__ import annotations

from datetime import date

import pytest

from throughgate.selfservice.workdays import (
    ENGLAND,
    WALES,
    add_working_days,
    is_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 11, 23), 1, date(2026, 11, 24)),  # Monday + 1 = Tuesday
        (date(2026, 11, 27), 1, date(2026, 11, 30)),  # Friday + 1 = Monday
        (date(2026, 11, 28), 1, date(2026, 11, 30)),  # sent on a Saturday: Monday is the first working day
        (date(2026, 11, 27), 5, date(2026, 12, 4)),  # a working week
        (date(2026, 4, 2), 1, date(2026, 4, 7)),  # Thursday before Easter: Good Friday and Easter Monday skipped
        (date(2026, 4, 2), 3, date(2026, 4, 9)),
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # Christmas Day, the weekend, Boxing Day observed on Monday 28th
        (date(2026, 12, 24), 3, date(2026, 12, 31)),
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # New Year's Day then a weekend, across the year end
        (date(2026, 5, 22), 1, date(2026, 5, 26)),  # Spring bank holiday Monday 25 May
        (date(2026, 8, 28), 2, date(2026, 9, 2)),  # Late summer bank holiday Monday 31 August
        (date(2026, 11, 23), 0, date(2026, 11, 23)),
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days, ENGLAND) == expected
    assert add_working_days(start, days, WALES) == expected  # England and Wales share their bank holidays


def test_bank_holidays_and_weekends_are_not_working_days() -> None:
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day (observed)
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert is_working_day(date(2026, 11, 23))
    # Scotland's St Andrew's Day (30 November) is not a holiday in England or Wales.
    assert is_working_day(date(2026, 11, 30), ENGLAND)
    assert is_working_day(date(2026, 11, 30), WALES)


def test_working_days_between() -> None:
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 31)) == 3
    assert working_days_between(date(2026, 12, 31), date(2026, 12, 24)) == -3
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 23)) == 0


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 1, 1), -1)
