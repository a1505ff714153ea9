"""Alerts as episodes, with hysteresis: what turns a day's score into something put in front of an officer.

A day's score (``engine.score``) already looks at whole 7- and 14-day windows, so it moves smoothly. An **alert**
is raised when a person's score crosses the amber (or red) threshold and they have no alert open. The alert stays
**open** (on the list, triaged once) while the score stays above a lower **exit** level (``exit_fraction`` of the
amber threshold); it closes when the score falls below it. After an alert closes, no new alert is raised for that
person for ``cooldown_days`` unless it would be a higher colour. An open amber alert whose score reaches red is
**escalated**: that raises a new (red) alert that needs triage again. A triage of "no concern" keeps that person
from being raised again at the same colour for ``quiet_days`` after the triage; a higher colour still raises.

Episode state depends on the days before, so ``aim score --as-of D`` derives it by replaying ``warmup_days`` days
before D from the events (see ``pipeline.score_day``); the same D always gives the same flags, whatever was scored
before. Everything is vectorised: one call per day for everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NONE, AMBER, RED = 0, 1, 2
NEVER = -(10**6)  # a day number long before any scoring


@dataclass
class EpisodeRules:
    exit_fraction: float = 0.7  # an open alert closes when the score falls below this share of the amber threshold
    cooldown_days: int = 7  # after closing, no new alert of the same or a lower colour for this many days
    quiet_days: int = 28  # after a "no concern" triage, no new alert of the same or a lower colour for this long


@dataclass
class EpisodeState:
    """Per person: the colour of the open alert (0 none, 1 amber, 2 red), the day number it opened, when the last
    one closed and at what colour, and a "no concern" quiet period (until a day number, up to a colour)."""

    level: np.ndarray
    opened: np.ndarray
    closed: np.ndarray
    closed_level: np.ndarray
    quiet_until: np.ndarray
    quiet_level: np.ndarray

    @classmethod
    def empty(cls, people: int) -> EpisodeState:
        return cls(
            level=np.zeros(people, dtype=np.int8),
            opened=np.full(people, NEVER, dtype=np.int64),
            closed=np.full(people, NEVER, dtype=np.int64),
            closed_level=np.zeros(people, dtype=np.int8),
            quiet_until=np.full(people, NEVER, dtype=np.int64),
            quiet_level=np.zeros(people, dtype=np.int8),
        )

    def take(self, pick: np.ndarray) -> EpisodeState:
        return EpisodeState(**{name: getattr(self, name)[pick] for name in self.__dataclass_fields__})

    def put(self, pick: np.ndarray, part: EpisodeState) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name)[pick] = getattr(part, name)


@dataclass
class Step:
    shown: np.ndarray  # the colour on the list today: the open alert's colour, 0 when none
    raised: np.ndarray  # the colour of an alert raised today (new or escalated), 0 when none
    opened: np.ndarray  # the day number the open alert was first raised (NEVER when none)


def level_of(colour: np.ndarray) -> np.ndarray:
    """The day's candidate level from the engine's colours (insufficient data and green are 0)."""
    out = np.zeros(len(colour), dtype=np.int8)
    out[colour == "amber"] = AMBER
    out[colour == "red"] = RED
    return out


def step(
    state: EpisodeState,
    *,
    day: int,
    level: np.ndarray,
    score: np.ndarray,
    amber_threshold: np.ndarray | float,
    rules: EpisodeRules,
) -> Step:
    """Move everyone's episode on by one day (``day`` is a day number, e.g. ``date.toordinal()``). ``level`` is the
    day's candidate colour from the thresholds (0, 1, 2); ``score`` the day's score. Changes ``state`` in place."""
    raised = np.zeros(len(level), dtype=np.int8)
    # Close alerts whose score has fallen below the exit level.
    closing = (state.level > NONE) & (score < rules.exit_fraction * np.asarray(amber_threshold))
    state.closed[closing] = day
    state.closed_level[closing] = state.level[closing]
    state.level[closing] = NONE
    # Escalate an open amber alert that reaches red: a new alert, to be triaged again.
    escalate = (state.level == AMBER) & (level == RED)
    state.level[escalate] = RED
    raised[escalate] = RED
    # Open a new alert: none open, a candidate colour, past the cool-down and any quiet period (or higher than them).
    cooled = (day - state.closed > rules.cooldown_days) | (level > state.closed_level)
    quiet = (day <= state.quiet_until) & (level <= state.quiet_level)
    opening = (state.level == NONE) & (level > NONE) & cooled & ~quiet
    state.level[opening] = level[opening]
    state.opened[opening] = day
    raised[opening] = level[opening]
    opened = np.where(state.level > NONE, state.opened, NEVER)
    return Step(shown=state.level.copy(), raised=raised, opened=opened)


def quiet(state: EpisodeState, index: np.ndarray, until: np.ndarray, level: np.ndarray) -> None:
    """Record "no concern" triages: person ``index[k]`` is not raised again at ``level[k]`` or lower until day
    ``until[k]``. A later or higher quiet period wins."""
    if len(index) == 0:
        return
    state.quiet_until[index] = np.maximum(state.quiet_until[index], until)
    state.quiet_level[index] = np.maximum(state.quiet_level[index], level)
