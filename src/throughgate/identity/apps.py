from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IdentityConfig(AppConfig):
    name = "throughgate.identity"
    label = "identity"
    verbose_name = "Identity: users, roles, establishments, sign-in"

    def ready(self) -> None:
        from throughgate.identity import permissions, roles, signals  # noqa: F401

        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
