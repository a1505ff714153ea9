from collections.abc import Callable

from django.apps import AppConfig


class WelfareConfig(AppConfig):
    """AIM (Alert, Intervene, Monitor): welfare alerts from everyday activity, triage and monitoring."""

    name = "throughgate.welfare"
    label = "welfare"
    verbose_name = "Welfare (AIM)"

    def ready(self) -> None:
        from throughgate.people import demo_hooks
        from throughgate.welfare import data_protection, permissions, tiles  # noqa: F401  (registration side effects)

        demo_hooks.register("AIM welfare flags", _demo_flags, reset=_demo_reset)


def _demo_flags(*, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    """The demo estate's last days scored by AIM, and staff decisions about the alerts (demo_estate runs this)."""
    from throughgate.welfare import demo

    return demo.populate(seed=seed, say=say).as_rows()


def _demo_reset() -> dict[str, int]:
    from throughgate.welfare import demo

    return demo.reset()
