from django.apps import AppConfig


class SharingConfig(AppConfig):
    """Sharing across agencies: record linkage of people across prison, probation and health records."""

    name = "throughgate.sharing"
    label = "sharing"
    verbose_name = "Sharing across agencies"
