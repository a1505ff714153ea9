"""The data protection officer's home-page tile."""

from django.utils.translation import gettext_lazy as _

from throughgate.dataprotection.permissions import SUBJECT_ACCESS
from throughgate.identity.tiles import Tile, register_tile

register_tile(
    Tile(
        "dataprotection:home",
        _("Subject access and retention"),
        _("Export everything held about a person, legal holds, the retention schedule"),
        "key",
        SUBJECT_ACCESS,
        "staff",
        60,
    )
)
