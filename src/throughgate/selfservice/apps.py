from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "throughgate.selfservice"
    label = "selfservice"
    verbose_name = "Self-service: apps, complaints, meals, money and canteen, timetable, content"

    def ready(self) -> None:
        from throughgate.selfservice import events, permissions  # noqa: F401  (registration side effects)
        from throughgate.selfservice import tiles as _tiles  # noqa: F401
