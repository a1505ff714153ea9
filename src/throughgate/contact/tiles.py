"""Home-page tiles of the contact app."""

from django.utils.translation import gettext_lazy as _

from throughgate.contact.permissions import (
    APPROVE_CONTACTS,
    MANAGE_VISITS,
    MODERATE_MESSAGES,
    RUN_VISITS_HALL,
    USE_CONTACTS,
)
from throughgate.identity.tiles import Tile, register_tile

register_tile(
    Tile(
        "contact:my_contacts",
        _("Contacts"),
        _("Ask to add family and friends"),
        "contact/icons/people.svg",
        USE_CONTACTS,
        "resident",
        60,
    )
)
register_tile(
    Tile(
        "contact:my_visits",
        _("Visits"),
        _("See your booked visits"),
        "contact/icons/visit.svg",
        USE_CONTACTS,
        "resident",
        61,
    )
)
register_tile(
    Tile(
        "contact:approvals",
        _("Contact checks"),
        _("Approve or refuse residents' contacts; record restrictions"),
        "contact/icons/people.svg",
        APPROVE_CONTACTS,
        "staff",
        50,
    )
)
register_tile(
    Tile(
        "contact:bookings",
        _("Visit bookings"),
        _("A day's visits; book and cancel visits"),
        "contact/icons/visit.svg",
        MANAGE_VISITS,
        "staff",
        51,
    )
)
register_tile(
    Tile(
        "contact:sessions",
        _("Visiting sessions"),
        _("Rooms, times, places and monthly visits"),
        "selfservice/icons/calendar.svg",
        MANAGE_VISITS,
        "staff",
        52,
    )
)
register_tile(
    Tile(
        "contact:hall",
        _("Visits hall"),
        _("Today's visits: arrivals and outcomes"),
        "contact/icons/visit.svg",
        RUN_VISITS_HALL,
        "staff",
        53,
    )
)
register_tile(
    Tile(
        "contact:my_messages",
        _("Messages"),
        _("Read mail from home and write back"),
        "contact/icons/letter.svg",
        USE_CONTACTS,
        "resident",
        62,
    )
)
register_tile(
    Tile(
        "contact:moderation",
        _("Message checks"),
        _("Held messages from families; the rules that hold them"),
        "contact/icons/letter.svg",
        MODERATE_MESSAGES,
        "staff",
        54,
    )
)
