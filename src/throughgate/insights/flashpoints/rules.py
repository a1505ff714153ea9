"""Flashpoints: wings where several signals of trouble rise together against the wing's own recent weeks.

The rule (every number configurable in settings, ``INSIGHTS_FLASHPOINTS = {"rise_factor": 2.0, ...}``):

- the **recent window** is the 7 days up to the last day with figures; the **baseline** is the wing's weekly average
  over the ``baseline_weeks`` 7-day windows before it;
- a signal **rises** when its count in the recent window is at least ``min_count`` and at least ``rise_factor`` times
  its baseline (a signal with no baseline rises once it reaches ``min_count``);
- a wing is a **flashpoint** when at least ``min_signals`` signals rise together. One noisy signal alone is not.

The signals are kinds of activity event, counted by wing in the daily figures (rollups). Each flashpoint carries its
reasons in words, the window's last day, and links to the lists behind the signals (for staff who may open them)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Signal:
    kind: str
    title: Promise
    list_url: str = ""


SIGNALS: tuple[Signal, ...] = (
    Signal("complaint.submitted", _("Complaints"), "selfservice:complaint_queue"),
    Signal("activity.refused", _("Activity sessions refused"), "selfservice:timetable_hours"),
    Signal("internet.denied", _("Hours with web requests refused"), "access:monitoring"),
    Signal("adjudication.proven", _("Proven adjudications")),
    Signal("segregation.started", _("Placements in segregation")),
    Signal("self_harm.incident", _("Self-harm incidents")),
)


@dataclass(frozen=True)
class Rule:
    baseline_weeks: int = 8
    rise_factor: float = 1.5
    min_count: int = 5
    min_signals: int = 2
    signals: tuple[Signal, ...] = field(default=SIGNALS)


def rule() -> Rule:
    """The rule with the overrides of ``settings.INSIGHTS_FLASHPOINTS`` (unknown keys are refused)."""
    overrides: dict[str, Any] = dict(getattr(settings, "INSIGHTS_FLASHPOINTS", {}))
    known = {f.name for f in fields(Rule)} - {"signals"}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"Unknown INSIGHTS_FLASHPOINTS settings: {sorted(unknown)}")
    return Rule(**overrides)


@dataclass(frozen=True)
class Rise:
    signal: Signal
    recent: int
    usual: float


def rises(rule: Rule, recent: dict[str, int], baseline: dict[str, float]) -> list[Rise]:
    """The signals of one wing that rise, given its recent counts and weekly baseline by kind."""
    out = []
    for signal in rule.signals:
        now, usual = recent.get(signal.kind, 0), baseline.get(signal.kind, 0.0)
        if now >= rule.min_count and now >= rule.rise_factor * usual:
            out.append(Rise(signal, now, usual))
    return out
