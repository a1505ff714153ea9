"""Per-establishment thresholds from each prison's own scores, so that every prison keeps within its alert budget.

The thresholds in the settings (``engine.Config``) are a floor. Each day, for each establishment, this looks back at
the scores of the last ``calibration_days`` days it replayed and estimates how many alerts per 100 people per week
would have been raised at higher thresholds. If the prison raised more than its budget, its thresholds for the next
day go up, to the lowest level (in steps of ``STEP`` of the settings' value) whose estimate fits the budget; they
never go below the settings. A prison within its budget keeps the settings' thresholds, so calibration costs no
recall where none is needed.

The estimate counts *crossings*: a person-day whose score reaches a threshold ``t`` when the day before was below
the alert's exit level (``exit_fraction x t`` for amber, ``t`` for red). A crossing is where an alert would open;
cool-downs and "no concern" quiet periods suppress some of them, so the count is scaled by the ratio of alerts
actually raised to crossings at the thresholds that were applied on those days. Each person-day adds one interval
of thresholds it crosses at, ``(previous / exit, today]``, counted on a fixed grid with two histograms per day:
the work per day is one pass over the people, whatever the grid.

Like the episodes, calibration depends only on the replayed days, so the same day always gives the same flags
(docs/aim.md, "Thresholds per establishment").
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

STEP = 0.05  # grid step, as a share of the settings' threshold
MAX_FACTOR = 3.0  # never more than three times the settings' threshold
GRID = np.round(np.arange(1.0, MAX_FACTOR + STEP / 2, STEP), 6)


@dataclass
class _Day:
    lo: np.ndarray  # [places, grid] per place, crossings whose lower end is below each grid value (cumulated)
    hi: np.ndarray  # [places, grid] the same for the upper end
    red_lo: np.ndarray
    red_hi: np.ndarray
    person_days: np.ndarray  # [places] people present and scored that day
    raised_amber: np.ndarray  # [places] amber alerts raised that day
    raised_red: np.ndarray
    expected_amber: np.ndarray  # [places] crossings at the factor applied that day
    expected_red: np.ndarray


class Calibrator:
    """Rolling per-establishment calibration for one list of people (see the module docstring)."""

    def __init__(
        self,
        place: np.ndarray,
        *,
        amber_budget: np.ndarray,
        red_budget: np.ndarray,
        exit_fraction: np.ndarray,
        days: int = 28,
        min_days: int = 14,
        min_person_days: int = 2800,
    ) -> None:
        codes, self.place = np.unique(place, return_inverse=True)
        self.places = len(codes)
        self.place_keys = codes
        first = np.zeros(self.places, dtype=np.intp)
        first[self.place[::-1]] = np.arange(len(self.place))[::-1]  # one person of each place, for its settings
        self.amber_budget = np.asarray(amber_budget, dtype=float)[first] if len(self.place) else np.zeros(0)
        self.red_budget = np.asarray(red_budget, dtype=float)[first] if len(self.place) else np.zeros(0)
        self.exit_fraction = np.asarray(exit_fraction, dtype=float)
        self.history: deque[_Day] = deque(maxlen=days)
        self.min_days = min_days
        self.min_person_days = min_person_days
        self.amber_factor = np.ones(self.places)  # per place, applied to the next day
        self.red_factor = np.ones(self.places)
        self.previous: np.ndarray | None = None  # yesterday's relative scores (score / settings' threshold)
        self.previous_red: np.ndarray | None = None

    def factors(self) -> tuple[np.ndarray, np.ndarray]:
        """Per person, today's multipliers of the settings' amber and red thresholds."""
        return self.amber_factor[self.place], self.red_factor[self.place]

    def by_place(self) -> dict[object, tuple[float, float]]:
        """Per establishment key, today's (amber, red) multipliers."""
        return {key: (float(self.amber_factor[i]), float(self.red_factor[i])) for i, key in enumerate(self.place_keys)}

    def record(
        self,
        *,
        relative_amber: np.ndarray,
        relative_red: np.ndarray,
        scored: np.ndarray,
        raised: np.ndarray,
    ) -> None:
        """Add a replayed day: each person's score relative to the settings' amber and red thresholds, who was
        present and scored, and the colour of any alert raised (0, 1 amber, 2 red). Then work out the factors for
        the next day."""
        if self.previous is None or self.previous_red is None:
            self.previous, self.previous_red = relative_amber, relative_red
            return
        both = scored & np.isfinite(self.previous) & np.isfinite(relative_amber)
        lo_amber = self.previous / self.exit_fraction
        amber_lo, amber_hi = self._cumulated(lo_amber, relative_amber, both)
        red_lo, red_hi = self._cumulated(self.previous_red, relative_red, both)
        applied_amber = np.searchsorted(GRID, self.amber_factor - 1e-9)
        applied_red = np.searchsorted(GRID, self.red_factor - 1e-9)
        rows = np.arange(self.places)
        crossings_amber = amber_lo - amber_hi
        crossings_red = red_lo - red_hi
        self.history.append(
            _Day(
                lo=amber_lo,
                hi=amber_hi,
                red_lo=red_lo,
                red_hi=red_hi,
                person_days=np.bincount(self.place[scored], minlength=self.places),
                raised_amber=np.bincount(self.place[raised == 1], minlength=self.places),
                raised_red=np.bincount(self.place[raised == 2], minlength=self.places),
                expected_amber=crossings_amber[rows, applied_amber],
                expected_red=crossings_red[rows, applied_red],
            )
        )
        self.previous, self.previous_red = relative_amber, relative_red
        self._update()

    def _cumulated(self, lower: np.ndarray, upper: np.ndarray, use: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per place and grid value g: how many used intervals (lower, upper] have lower < g, and upper < g."""
        keep = use & (upper > lower)
        place = self.place[keep]
        cols = len(GRID) + 1
        # lower < GRID[k] exactly when k >= searchsorted(GRID, lower, "right"); likewise for upper.
        lo_at = np.searchsorted(GRID, lower[keep], side="right")
        hi_at = np.searchsorted(GRID, upper[keep], side="right")
        lo = np.bincount(place * cols + lo_at, minlength=self.places * cols).reshape(self.places, cols)
        hi = np.bincount(place * cols + hi_at, minlength=self.places * cols).reshape(self.places, cols)
        return np.cumsum(lo, axis=1)[:, : len(GRID)], np.cumsum(hi, axis=1)[:, : len(GRID)]

    def _update(self) -> None:
        days = self.history
        if len(days) < self.min_days:
            return
        person_days = np.sum([d.person_days for d in days], axis=0).astype(float)
        enough = person_days >= self.min_person_days
        for colour in ("amber", "red"):
            lo = np.sum([getattr(d, "lo" if colour == "amber" else "red_lo") for d in days], axis=0)
            hi = np.sum([getattr(d, "hi" if colour == "amber" else "red_hi") for d in days], axis=0)
            crossings = (lo - hi).astype(float)
            raised = np.sum([getattr(d, f"raised_{colour}") for d in days], axis=0).astype(float)
            expected = np.sum([getattr(d, f"expected_{colour}") for d in days], axis=0).astype(float)
            # Alerts raised per crossing at the applied thresholds (cool-downs and quiet periods); 1 when unknown.
            share = np.where(expected > 0, raised / np.maximum(expected, 1.0), 1.0)
            per_100_week = crossings * share[:, None] * 700.0 / np.maximum(person_days, 1.0)[:, None]
            budget = self.amber_budget if colour == "amber" else self.red_budget
            fits = per_100_week <= budget[:, None]
            # The lowest grid value from which every higher one fits too (the estimate falls with the threshold,
            # but not always strictly: take the first point after the last one that does not fit).
            last_over = np.where(fits.all(axis=1), -1, len(GRID) - 1 - np.argmax(~fits[:, ::-1], axis=1))
            factor = GRID[np.minimum(last_over + 1, len(GRID) - 1)]
            factor = np.where(enough, factor, 1.0)
            if colour == "amber":
                self.amber_factor = factor
            else:
                # Red stays above amber: it rises at least as far as amber did.
                self.red_factor = np.maximum(factor, self.amber_factor)
