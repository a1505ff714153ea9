"""Alerts as episodes: raised once, kept open with hysteresis, not raised again during a cool-down or a "no concern"
quiet period unless the colour rises; and ``aim score`` derives the same state whatever was scored before."""

from __future__ import annotations

import numpy as np

from throughgate.welfare import episodes
from throughgate.welfare.episodes import AMBER, RED, EpisodeRules, EpisodeState

RULES = EpisodeRules(exit_fraction=0.7, cooldown_days=7, quiet_days=28)
AMBER_AT = 5.0


def run(scores: list[float], state: EpisodeState | None = None, start: int = 0) -> tuple[list[int], list[int]]:
    state = state or EpisodeState.empty(1)
    shown, raised = [], []
    for offset, score in enumerate(scores):
        level = np.array([RED if score >= 10 else AMBER if score >= AMBER_AT else 0], dtype=np.int8)
        moved = episodes.step(
            state, day=start + offset, level=level, score=np.array([score]), amber_threshold=AMBER_AT, rules=RULES
        )
        shown.append(int(moved.shown[0]))
        raised.append(int(moved.raised[0]))
    return shown, raised


def test_an_alert_is_raised_once_and_stays_open_while_the_score_stays_above_the_exit_level() -> None:
    shown, raised = run([1, 6, 4.9, 6, 3.6, 5.5, 3.0, 2.0])
    assert raised == [0, AMBER, 0, 0, 0, 0, 0, 0]  # one alert, not one a day
    assert shown == [0, AMBER, AMBER, AMBER, AMBER, AMBER, 0, 0]  # closes below 0.7 x 5 = 3.5


def test_no_new_alert_during_the_cool_down_but_an_escalation_to_red_is_raised() -> None:
    _shown, raised = run([6, 2, 6, 6, 6, 6, 6, 6, 6, 6, 6])
    assert raised[0] == AMBER
    assert raised[1:9] == [0] * 8  # closed on day 1: days 2-8 are within the seven-day cool-down
    assert raised[9] == AMBER
    _, escalated = run([6, 7, 12, 12])
    assert escalated == [AMBER, 0, RED, 0]
    _, after_close = run([6, 1, 12])
    assert after_close == [AMBER, 0, RED]  # a higher colour is raised at once


def test_no_concern_keeps_the_same_colour_quiet_but_not_a_higher_one() -> None:
    state = EpisodeState.empty(1)
    run([6, 1], state)
    episodes.quiet(state, np.array([0]), np.array([1 + 28]), np.array([AMBER], dtype=np.int8))
    _, raised = run([6] * 30, state, start=10)
    assert raised[:20] == [0] * 20  # quiet until day 29
    assert AMBER in raised[20:]
    state = EpisodeState.empty(1)
    run([6, 1], state)
    episodes.quiet(state, np.array([0]), np.array([29]), np.array([AMBER], dtype=np.int8))
    _, raised = run([12], state, start=10)
    assert raised == [RED]


def test_the_replay_applies_no_concern_triages_from_the_day_after() -> None:
    from datetime import date, timedelta
    from types import SimpleNamespace

    from throughgate.welfare import engine, pipeline

    person = SimpleNamespace(prison_number="A1234BC", establishment_id=1)
    replay = pipeline.EpisodeReplay([person], {1: engine.Config(amber_threshold=5, red_threshold=10)})
    arrays = SimpleNamespace(days_in_custody=np.array([400]))
    start = date(2026, 3, 1)
    quiet = [("A1234BC", start + timedelta(days=2), "amber")]

    def day(offset: int, score: float) -> str:
        colour = "amber" if score >= 5 else "green"
        result = SimpleNamespace(
            colour=np.array([colour], dtype=object), score=np.array([score]), insufficient=np.array([False])
        )
        return str(replay.step(start + timedelta(days=offset), result, arrays, quiet).raised[0])  # type: ignore[arg-type]

    assert day(0, 6) == "amber"
    assert day(1, 1) == ""  # closed
    raised = [day(offset, 6) for offset in range(10, 40)]
    assert raised[: 31 - 10] == [""] * 21  # quiet until day 2 + 28 = day 30
    assert "amber" in raised[21:]
