"""Statistical disclosure control for exported figures, so that a download cannot single out a person.

A table of counts with its row and column totals is protected in three steps:

1. **Primary suppression**: every count from 1 to 4 (cells and totals) is held back. Zero is shown: knowing that
   nothing happened reveals nobody.
2. **Secondary suppression**: in every row and every column (its total counted as one more cell of the line), a line
   with exactly one held-back cell would let anyone work it out from the others, so the smallest other cell of that
   line is held back too; this repeats until no line has exactly one.
3. **Rounding**: every figure shown, cells and totals alike, is rounded to the nearest 5 (totals from the true
   figures, so adding up rounded cells does not give back a held-back one).

Held-back cells are written ``[c]`` (confidential), as the Office for National Statistics does. For a sum (pounds,
requests) the threshold applies to the number of events behind the cell, and the sum is rounded to the nearest 5."""

from __future__ import annotations

from dataclasses import dataclass

THRESHOLD = 5
ROUND_TO = 5
HELD_BACK = "[c]"


@dataclass(frozen=True)
class SafeTable:
    """``values[i][j]`` for the cells, with the row totals as the last column and the column totals as the last row;
    ``None`` where a figure is held back."""

    values: list[list[int | None]]


def _small(count: int) -> bool:
    return 0 < count < THRESHOLD


def _round(value: float) -> int:
    return int(ROUND_TO * round(value / ROUND_TO))


def _with_totals(matrix: list[list[float]], columns: int) -> list[list[float]]:
    rows = [[*row, sum(row)] for row in matrix]
    totals = [sum(row[j] for row in rows) for j in range(columns + 1)]
    return [*rows, totals]


def hidden_cells(counts: list[list[int]], columns: int) -> set[tuple[int, int]]:
    """The cells (of the table with totals) to hold back: the small counts, then enough others that no row or column
    has exactly one."""
    full = _with_totals([[float(c) for c in row] for row in counts], columns)
    height, width = len(full), columns + 1
    hidden = {(i, j) for i in range(height) for j in range(width) if _small(int(full[i][j]))}
    lines = [[(i, j) for j in range(width)] for i in range(height)] + [
        [(i, j) for i in range(height)] for j in range(width)
    ]
    changed = True
    while changed:
        changed = False
        for line in lines:
            held = [cell for cell in line if cell in hidden]
            if len(held) != 1:
                continue
            others = [cell for cell in line if cell not in hidden]
            if not others:
                continue
            # The smallest other cell, preferring a non-zero one (a zero held back hides less).
            pick = min(others, key=lambda cell: (full[cell[0]][cell[1]] == 0, full[cell[0]][cell[1]]))
            hidden.add(pick)
            changed = True
    return hidden


def protect(*, counts: list[list[int]], values: list[list[float]] | None = None, columns: int) -> SafeTable:
    """The table to export: ``counts`` decide what is held back (``values``, if given, are what is shown, e.g. pounds;
    otherwise the counts), the totals are added, and every shown figure is rounded."""
    hidden = hidden_cells(counts, columns)
    full = _with_totals(values if values is not None else [[float(c) for c in row] for row in counts], columns)
    return SafeTable(
        [[None if (i, j) in hidden else _round(value) for j, value in enumerate(row)] for i, row in enumerate(full)]
    )
