"""Steps apps add to the demo estate after ``demo_estate`` (the ``throughgate.demo`` app) has saved it, and undo on
``--reset``: a registry, nothing more. No app imports the demo app; each registers its step here from its
AppConfig.ready instead, and the demo app runs them (``throughgate.demo.steps`` for the order)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class AfterEstate(Protocol):
    def __call__(self, *, seed: int, say: Callable[[str], None]) -> dict[str, int]:
        """Add to the saved estate; return row counts to print (label -> count)."""
        ...


STEPS: dict[str, AfterEstate] = {}
# Run by ``demo_estate --reset`` before people are deleted: each deletes the rows of its app that refer to them and
# returns counts (label -> count). They run in the reset's transaction.
RESETS: dict[str, Callable[[], dict[str, int]]] = {}


def register(name: str, step: AfterEstate, reset: Callable[[], dict[str, int]] | None = None) -> None:
    """Run ``step`` after the estate is saved, and ``reset`` before a reset deletes people (once per name;
    registering again replaces them)."""
    STEPS[name] = step
    if reset is not None:
        RESETS[name] = reset
