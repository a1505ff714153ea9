"""The order ``demo_estate`` runs the registered demo steps (``throughgate.people.demo_hooks``) in, and undoes them.

The steps of this app (``DemoConfig.ready``) run first, in their own order, whatever order the apps are installed
in; steps other apps register from their AppConfig.ready run after them, in the order they registered, since they
may build on what the first ones made. A reset undoes in the other direction: the other apps' rows first (they may
refer to self-service or access rows), then this app's steps in their order, then the estate itself."""

from __future__ import annotations

from collections.abc import Callable

from throughgate.people import demo_hooks

OWN = ("self-service history", "AIM welfare flags", "internet access", "data protection")


def ordered() -> list[tuple[str, demo_hooks.AfterEstate]]:
    own = [(name, demo_hooks.STEPS[name]) for name in OWN if name in demo_hooks.STEPS]
    return own + [(name, step) for name, step in demo_hooks.STEPS.items() if name not in OWN]


def resets() -> list[Callable[[], dict[str, int]]]:
    others = [reset for name, reset in demo_hooks.RESETS.items() if name not in OWN]
    return others + [demo_hooks.RESETS[name] for name in OWN if name in demo_hooks.RESETS]
