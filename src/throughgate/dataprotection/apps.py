from django.apps import AppConfig


class DataprotectionConfig(AppConfig):
    """Data protection: subject access requests across every app, legal holds, and the retention schedule."""

    name = "throughgate.dataprotection"
    label = "dataprotection"
    verbose_name = "Data protection: subject access, legal holds, retention"

    def ready(self) -> None:
        from throughgate.dataprotection import (  # noqa: F401  (registration side effects)
            data_protection,
            events,
            permissions,
            tiles,
        )
