from collections.abc import Callable

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic demo estate: ``demo_estate`` builds prisons, people, staff and their activity, then runs each
    app's demo step. No product app imports it."""

    name = "throughgate.demo"
    label = "demo"
    verbose_name = "Demo estate"

    def ready(self) -> None:
        from throughgate.people import demo_hooks

        # The steps for the apps of this repository, in the order they build on each other: self-service history
        # comes from the estate's events, AIM scores them, internet access adds its own. Apps that keep their demo
        # step with themselves register it the same way from their own AppConfig.ready; ``demo_estate`` runs these
        # first (see steps.ordered).
        demo_hooks.register("self-service history", _selfservice, reset=_selfservice_reset)
        demo_hooks.register("AIM welfare flags", _welfare, reset=_welfare_reset)
        demo_hooks.register("internet access", _access, reset=_access_reset)
        demo_hooks.register("data protection", _dataprotection, reset=_dataprotection_reset)


def _selfservice(*, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    """Self-service records for the demo estate, made from its activity events."""
    from throughgate.demo import selfservice

    return selfservice.populate(seed=seed, say=say).as_rows()


def _selfservice_reset() -> dict[str, int]:
    from throughgate.demo import selfservice

    return selfservice.reset()


def _welfare(*, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    """The demo estate's last days scored by AIM, and staff decisions about the alerts."""
    from throughgate.demo import welfare

    return welfare.populate(seed=seed, say=say).as_rows()


def _welfare_reset() -> dict[str, int]:
    from throughgate.demo import welfare

    return welfare.reset()


def _access(*, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    """Internet access for the saved estate."""
    from throughgate.demo import access

    return access.populate(seed=seed, say=say).as_rows()


def _access_reset() -> dict[str, int]:
    from throughgate.demo import access

    return access.reset()


def _dataprotection(*, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    """A data protection officer, one subject access export and one legal hold."""
    from throughgate.demo import dataprotection

    return dataprotection.step(seed=seed, say=say)


def _dataprotection_reset() -> dict[str, int]:
    from throughgate.demo import dataprotection

    return dataprotection.reset()
