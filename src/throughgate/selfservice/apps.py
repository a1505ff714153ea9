from django.apps import AppConfig


class SelfserviceConfig(AppConfig):
    name = "throughgate.selfservice"
    label = "selfservice"
    verbose_name = "Self-service: apps, complaints, meals, money and canteen, timetable, content"

    def ready(self) -> None:
        from throughgate.identity import principals
        from throughgate.selfservice import data_protection, events, permissions  # noqa: F401  (registration side effects)
        from throughgate.selfservice import panels as _panels  # noqa: F401
        from throughgate.selfservice import tiles as _tiles  # noqa: F401
        from throughgate.selfservice.content.models import Notice

        principals.forget_on_change(Notice)  # the home page keeps a wing's notices for a few seconds
