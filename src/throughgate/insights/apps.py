from collections.abc import Callable

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """Figures for governors and HQ, from daily rollups of the activity stream."""

    name = "throughgate.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from throughgate.insights import events, permissions, tiles  # noqa: F401  (registration side effects)
        from throughgate.people import demo_hooks

        demo_hooks.register("Insights daily figures", _demo_figures, reset=_demo_reset)


def _demo_figures(*, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    """The demo estate's figures, rolled up from its activity (demo_estate runs this after the other apps' steps)."""
    from throughgate.insights import demo

    return demo.populate(say=say)


def _demo_reset() -> dict[str, int]:
    from throughgate.insights import demo

    return demo.reset()
