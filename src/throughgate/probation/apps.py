from collections.abc import Callable

from django.apps import AppConfig


class ProbationConfig(AppConfig):
    name = "throughgate.probation"
    label = "probation"
    verbose_name = "Probation: resettlement passport, release, MyProbation and check-ins"

    def ready(self) -> None:
        from throughgate.people import demo_hooks
        from throughgate.probation import data_protection, events, permissions  # noqa: F401  (registration side effects)
        from throughgate.probation import tiles as _tiles  # noqa: F401

        demo_hooks.register("probation", _demo, reset=_demo_reset)


def _demo(*, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    """Passports, a release, check-ins and tasks for the demo estate (demo_estate runs this)."""
    from throughgate.probation.demo import populate

    return populate(seed=seed, say=say)


def _demo_reset() -> dict[str, int]:
    from throughgate.probation.demo import reset

    return reset()
