"""The insights app's home-page tiles."""

from django.utils.translation import gettext_lazy as _

from throughgate.identity.tiles import Tile, register_tile
from throughgate.insights.permissions import VIEW_DASHBOARD, VIEW_ESTATE

register_tile(
    Tile(
        "insights:dashboard",
        _("Prison figures"),
        _("Apps, complaints, canteen, activity and internet use, week by week"),
        "list",
        VIEW_DASHBOARD,
        "staff",
        5,
    )
)
register_tile(
    Tile(
        "insights:estate",
        _("Estate figures"),
        _("The same figures for every prison side by side"),
        "list",
        VIEW_ESTATE,
        "staff",
        6,
    )
)
