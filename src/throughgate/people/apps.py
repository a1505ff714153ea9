from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "throughgate.people"
    label = "people"
    verbose_name = "People: records of people in custody and on probation"

    def ready(self) -> None:
        from throughgate.identity import principals
        from throughgate.identity.models import Location
        from throughgate.people import data_protection, events, permissions  # noqa: F401  (registration side effects)
        from throughgate.people.models import Person

        principals.forget_on_change(Person, Location)
