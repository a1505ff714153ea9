import random

import pytest

from throughgate.insights.dashboard.disclosure import THRESHOLD, hidden_cells, protect


def _check(counts: list[list[int]]) -> None:
    columns = len(counts[0])
    safe = protect(counts=counts, columns=columns)
    full_rows = [[*row, sum(row)] for row in counts]
    full = [*full_rows, [sum(r[j] for r in full_rows) for j in range(columns + 1)]]
    for i, row in enumerate(safe.values):
        for j, value in enumerate(row):
            if 0 < full[i][j] < THRESHOLD:
                assert value is None  # every small count is held back
            if value is not None:
                assert value == 0 or value >= THRESHOLD
    # No row or column (with its total) has exactly one held-back figure, so none can be worked out by subtraction.
    lines = [list(row) for row in safe.values] + [list(col) for col in zip(*safe.values, strict=True)]
    for line in lines:
        assert sum(value is None for value in line) != 1


def test_a_lone_small_count_takes_another_cell_of_its_row_and_column_with_it() -> None:
    counts = [[3, 20, 30], [12, 15, 40], [9, 11, 8]]
    hidden = hidden_cells(counts, 3)
    assert (0, 0) in hidden
    assert sum(1 for j in range(4) if (0, j) in hidden) >= 2
    assert sum(1 for i in range(4) if (i, 0) in hidden) >= 2
    _check(counts)


def test_zero_is_shown_and_figures_are_rounded_to_fives() -> None:
    safe = protect(counts=[[0, 12], [7, 23]], columns=2)
    assert safe.values == [[0, 10, 10], [5, 25, 30], [5, 35, 40]]


def test_a_small_total_is_held_back_with_its_cells() -> None:
    safe = protect(counts=[[1, 2], [30, 40]], columns=2)
    assert safe.values[0] == [None, None, None]
    _check([[1, 2], [30, 40]])


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_never_show_a_small_count_or_a_lone_held_back_one(seed: int) -> None:
    rng = random.Random(seed)
    rows, columns = rng.randint(1, 6), rng.randint(1, 12)
    _check([[rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 14, 30]) for _ in range(columns)] for _ in range(rows)])
