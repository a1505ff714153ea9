from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IdentityConfig(AppConfig):
    name = "throughgate.identity"
    label = "identity"
    verbose_name = "Identity: users, roles, establishments, sign-in"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed

        from throughgate.identity import events, models, permissions, principals, roles, signals  # noqa: F401

        post_migrate.connect(roles.sync_roles_after_migrate, sender=self)
        principals.forget_on_change(
            models.User, models.Role, models.RegisteredDevice, models.StaffAssignment, models.Establishment
        )
        m2m_changed.connect(principals.forget_all, sender=models.User.roles.through, dispatch_uid="principals-roles")
