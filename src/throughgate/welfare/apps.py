from django.apps import AppConfig


class WelfareConfig(AppConfig):
    """AIM (Alert, Intervene, Monitor): welfare alerts from everyday activity, triage and monitoring."""

    name = "throughgate.welfare"
    label = "welfare"
    verbose_name = "Welfare (AIM)"

    def ready(self) -> None:
        from throughgate.welfare import data_protection, permissions, tiles  # noqa: F401  (registration side effects)
