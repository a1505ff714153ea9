"""Steps other apps add to the demo estate after ``demo_estate`` has saved it. People must not import the apps to its
right (selfservice, ...); they register a step here from their AppConfig.ready instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class AfterEstate(Protocol):
    def __call__(self, *, seed: int, say: Callable[[str], None]) -> dict[str, int]:
        """Add to the saved estate; return row counts to print (label -> count)."""
        ...


STEPS: dict[str, AfterEstate] = {}


def register(name: str, step: AfterEstate) -> None:
    """Run ``step`` after the estate is saved (once per name; registering again replaces it)."""
    STEPS[name] = step
