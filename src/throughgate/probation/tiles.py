"""Home-page tiles of the probation app."""

from django.utils.translation import gettext_lazy as _

from throughgate.identity.tiles import Tile, register_tile
from throughgate.probation.permissions import SUPERVISE, USE_MYPROBATION, USE_PASSPORT, WORK_RESETTLEMENT

register_tile(
    Tile(
        "probation:my_passport",
        _("Plan for release"),
        _("Your to-do list for when you leave"),
        "probation/icons/passport.svg",
        USE_PASSPORT,
        "resident",
        60,
    )
)
register_tile(
    Tile(
        "probation:passports",
        _("Resettlement"),
        _("Resettlement passports and releases in your prison"),
        "probation/icons/passport.svg",
        WORK_RESETTLEMENT,
        "staff",
        60,
    )
)
register_tile(
    Tile(
        "probation:caseload",
        _("My caseload"),
        _("People on probation you supervise, most pressing first"),
        "list",
        SUPERVISE,
        "staff",
        15,
    )
)
register_tile(
    Tile(
        "probation:home",
        _("MyProbation"),
        _("Your check-ins and to-do list"),
        "probation/icons/gate.svg",
        USE_MYPROBATION,
        "staff",
        10,
    )
)
