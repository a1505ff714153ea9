from collections.abc import Callable

from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "throughgate.contact"
    label = "contact"
    verbose_name = "Contact with family: approved contacts, visits, the family site"

    def ready(self) -> None:
        from throughgate.contact import data_protection, events, permissions  # noqa: F401  (registration side effects)
        from throughgate.contact import tiles as _tiles  # noqa: F401
        from throughgate.people import demo_hooks

        demo_hooks.register("contact with family", _demo, reset=_demo_reset)


def _demo(*, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    from throughgate.contact import demo

    return demo.populate(seed=seed, say=say)


def _demo_reset() -> dict[str, int]:
    from throughgate.contact import demo

    return demo.reset()
