from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Controlled internet access: site catalogue, per-person policy, sanctions, network devices, Squid and
    FreeRADIUS endpoints, unapproved Wi-Fi devices."""

    name = "throughgate.access"
    label = "access"
    verbose_name = "Internet access and network devices"

    def ready(self) -> None:
        from throughgate.access import data_protection, events, permissions, tiles  # noqa: F401  (registration side effects)
