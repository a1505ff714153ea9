from collections.abc import Callable

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "throughgate.learning"
    label = "learning"
    verbose_name = "Learning and work: courses, the skills passport (Open Badges 3.0)"

    def ready(self) -> None:
        from throughgate.learning import data_protection, events, permissions  # noqa: F401  (registration side effects)
        from throughgate.learning import tiles as _tiles  # noqa: F401
        from throughgate.people import demo_hooks

        demo_hooks.register("learning", _demo, reset=_demo_reset)


def _demo(*, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    """Courses, learners and signed credentials for the demo estate (demo_estate runs this)."""
    from throughgate.learning.demo import populate

    return populate(seed=seed, say=say)


def _demo_reset() -> dict[str, int]:
    from throughgate.learning.demo import reset

    return reset()
