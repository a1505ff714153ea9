"""Thresholds per establishment: a prison that would raise more alerts than its budget gets higher thresholds from
its own scores; a prison within its budget keeps the settings; thresholds never go below the settings; and nothing
moves before there is enough history."""

from __future__ import annotations

import numpy as np

from throughgate.welfare import calibration, episodes
from throughgate.welfare.episodes import AMBER, NONE, RED, EpisodeRules, EpisodeState

RULES = EpisodeRules(exit_fraction=0.7, cooldown_days=7, quiet_days=28)
AMBER_AT, RED_AT = 4.0, 8.0
PEOPLE = 400  # 200 in each of two prisons


def simulate(days: int, *, noisy_scale: float, seed: int = 3) -> tuple[calibration.Calibrator, list[np.ndarray]]:
    """Prison 1 is calm; prison 2's scores are spread wider, so it raises many more alerts at the same thresholds.
    Each day's candidates are cut at the calibrated thresholds, as ``pipeline.EpisodeReplay`` does."""
    rng = np.random.default_rng(seed)
    place = np.repeat([1, 2], PEOPLE // 2)
    calibrator = calibration.Calibrator(
        place,
        amber_budget=np.full(PEOPLE, 5.0),
        red_budget=np.full(PEOPLE, 2.0),
        exit_fraction=np.full(PEOPLE, RULES.exit_fraction),
    )
    state = EpisodeState.empty(PEOPLE)
    scale = np.where(place == 1, 0.7, noisy_scale)
    level_drift = np.zeros(PEOPLE)
    raised_per_day = []
    for day in range(days):
        level_drift = 0.8 * level_drift + rng.normal(0, 1, PEOPLE)
        score = np.abs(level_drift) * scale
        amber_factor, red_factor = calibrator.factors()
        amber, red = AMBER_AT * amber_factor, RED_AT * red_factor
        level = np.where(score >= red, RED, np.where(score >= amber, AMBER, NONE)).astype(np.int8)
        moved = episodes.step(state, day=day, level=level, score=score, amber_threshold=amber, rules=RULES)
        calibrator.record(
            relative_amber=score / AMBER_AT,
            relative_red=score / RED_AT,
            scored=np.ones(PEOPLE, dtype=bool),
            raised=moved.raised,
        )
        raised_per_day.append(moved.raised)
    return calibrator, raised_per_day


def amber_per_100_per_week(raised: list[np.ndarray], prison: int) -> float:
    rows = np.array(raised)[:, (prison - 1) * (PEOPLE // 2) : prison * (PEOPLE // 2)]
    return 700 * float((rows == AMBER).sum()) / rows.size


def test_a_prison_over_its_budget_gets_higher_thresholds_and_a_calm_one_keeps_the_settings() -> None:
    calibrator, raised = simulate(120, noisy_scale=2.2)
    factors = calibrator.by_place()
    assert factors[1] == (1.0, 1.0)
    assert factors[2][0] > 1.2
    # Red stays above amber.
    assert factors[2][1] >= factors[2][0]
    # After the first month, the noisy prison keeps within its budget (with the settings it raises far more).
    later = raised[60:]
    assert amber_per_100_per_week(later, 2) <= 5.0 * 1.15
    _uncalibrated, settings_only = simulate(28, noisy_scale=2.2)
    assert amber_per_100_per_week(settings_only[14:], 2) > 5.0 * 1.5


def test_thresholds_never_go_below_the_settings() -> None:
    calibrator, _raised = simulate(60, noisy_scale=0.3)
    assert calibrator.by_place() == {1: (1.0, 1.0), 2: (1.0, 1.0)}


def test_nothing_moves_before_two_weeks_of_history() -> None:
    calibrator, _raised = simulate(14, noisy_scale=3.0)
    assert calibrator.by_place()[2] == (1.0, 1.0)
    calibrator, _raised = simulate(16, noisy_scale=3.0)
    assert calibrator.by_place()[2][0] > 1.0


def test_a_small_establishment_keeps_the_settings() -> None:
    place = np.array([1] * 20)
    calibrator = calibration.Calibrator(
        place, amber_budget=np.full(20, 5.0), red_budget=np.full(20, 2.0), exit_fraction=np.full(20, 0.7)
    )
    rng = np.random.default_rng(1)
    for _day in range(40):
        score = rng.uniform(0, 3, 20)
        calibrator.record(
            relative_amber=score, relative_red=score / 2, scored=np.ones(20, dtype=bool), raised=np.ones(20)
        )
    assert calibrator.by_place() == {1: (1.0, 1.0)}  # 20 people x 28 days is under the 2,800 person-days needed
