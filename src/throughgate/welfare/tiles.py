"""AIM's home-page tiles for staff with a welfare permission."""

from django.utils.translation import gettext_lazy as _

from throughgate.identity.tiles import Tile, register_tile
from throughgate.welfare.permissions import VIEW_FLAGS, VIEW_OVERSIGHT

register_tile(
    Tile(
        "welfare:daily",
        _("AIM welfare flags"),
        _("Today's list of people whose routine has changed"),
        "list",
        VIEW_FLAGS,
        "staff",
        30,
    )
)
register_tile(
    Tile(
        "welfare:governor",
        _("AIM oversight"),
        _("Flags by wing and week, triage times, outcomes, fairness"),
        "list",
        VIEW_OVERSIGHT,
        "staff",
        40,
    )
)
