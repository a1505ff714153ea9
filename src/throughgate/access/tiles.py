"""Home-page tiles of the access app."""

from django.utils.translation import gettext_lazy as _

from throughgate.access.permissions import (
    CHECK_ACCESS,
    MANAGE_DEVICES,
    MANAGE_OBSERVATIONS,
    MANAGE_POLICY,
    VIEW_MONITORING,
    VIEW_OWN_SITES,
)
from throughgate.identity.tiles import Tile, register_tile

register_tile(
    Tile(
        "access:my_sites",
        _("Internet"),
        _("See the websites you can use"),
        "globe",
        VIEW_OWN_SITES,
        "resident",
        40,
    )
)
register_tile(
    Tile(
        "access:check",
        _("Internet access check"),
        _("Can a person reach a web address now, and why"),
        "search",
        CHECK_ACCESS,
        "staff",
        50,
    )
)
register_tile(
    Tile(
        "access:devices",
        _("Network devices"),
        _("Laptops, tablets and kiosks on the prison network"),
        "list",
        MANAGE_DEVICES,
        "staff",
        55,
    )
)
register_tile(
    Tile(
        "access:observations",
        _("Unapproved devices"),
        _("Phones, hotspots and access points that should not be here"),
        "list",
        MANAGE_OBSERVATIONS,
        "staff",
        57,
    )
)
register_tile(
    Tile(
        "access:catalogue",
        _("Internet sites and policy"),
        _("Approved sites, what each level opens, opening times"),
        "list",
        MANAGE_POLICY,
        "staff",
        58,
    )
)
register_tile(
    Tile(
        "access:monitoring",
        _("Internet monitoring"),
        _("Use, denials, requests waiting, network alerts"),
        "list",
        VIEW_MONITORING,
        "staff",
        60,
    )
)
