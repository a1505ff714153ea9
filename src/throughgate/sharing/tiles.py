"""The sharing app's home-page tile for staff who review record links."""

from django.utils.translation import gettext_lazy as _

from throughgate.identity.tiles import Tile, register_tile
from throughgate.sharing.permissions import REVIEW_LINKS

register_tile(
    Tile(
        "sharing:queue",
        _("Record links to review"),
        _("Decide whether prison, probation and health records are the same person"),
        "list",
        REVIEW_LINKS,
        "staff",
        60,
    )
)
