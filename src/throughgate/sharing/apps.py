from collections.abc import Callable

from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Sharing across agencies: record linkage of people across prison, probation and health records."""

    name = "throughgate.sharing"
    label = "sharing"
    verbose_name = "Sharing across agencies"

    def ready(self) -> None:
        from throughgate.people import demo_hooks
        from throughgate.sharing import data_protection, events, permissions, tiles  # noqa: F401  (registration side effects)

        demo_hooks.register("Record linkage", _demo, reset=_demo_reset)


def _demo(*, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    from throughgate.sharing import demo

    return demo.populate(seed=seed, say=say)


def _demo_reset() -> dict[str, int]:
    from throughgate.sharing import demo

    return demo.reset()
