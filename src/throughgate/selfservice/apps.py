from collections.abc import Callable

from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "throughgate.selfservice"
    label = "selfservice"
    verbose_name = "Self-service: apps, complaints, meals, money and canteen, timetable, content"

    def ready(self) -> None:
        from throughgate.people import demo_hooks
        from throughgate.selfservice import data_protection, events, permissions  # noqa: F401  (registration side effects)
        from throughgate.selfservice import panels as _panels  # noqa: F401
        from throughgate.selfservice import tiles as _tiles  # noqa: F401

        demo_hooks.register("self-service history", _demo_history, reset=_demo_reset)

        from throughgate.identity import principals
        from throughgate.selfservice.content.models import Notice

        principals.forget_on_change(Notice)  # the home page keeps a wing's notices for a few seconds


def _demo_history(*, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    """Self-service records for the demo estate, made from its activity events (demo_estate runs this)."""
    from throughgate.selfservice import demo

    return demo.populate(seed=seed, say=say).as_rows()


def _demo_reset() -> dict[str, int]:
    from throughgate.selfservice import demo

    return demo.reset()
