"""Home-page tiles: each app registers the tiles it offers, with the permission that shows them and an icon.
Residents' tiles use plain words (checked for reading ease by a test)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from throughgate.identity.models import User


@dataclass(frozen=True)
class Tile:
    url_name: str
    title: Promise
    hint: Promise
    icon: str
    permission: str
    audience: str  # "resident" or "staff"
    order: int = 100

    @property
    def href(self) -> str:
        return reverse(self.url_name)


TILES: list[Tile] = []


def register_tile(tile: Tile) -> None:
    TILES.append(tile)


def tiles_for(user: User) -> list[Tile]:
    audience = "resident" if user.is_resident else "staff"
    chosen = []
    for tile in sorted(TILES, key=lambda t: t.order):
        if tile.audience != audience or not user.has_perm(tile.permission):
            continue
        try:
            reverse(tile.url_name)
        except NoReverseMatch:
            continue
        chosen.append(tile)
    return chosen


register_tile(
    Tile(
        "people:me",
        _("My details"),
        _("See your name, cell and level"),
        "person",
        "people.view_own_record",
        "resident",
        10,
    )
)
register_tile(
    Tile(
        "people:search",
        _("Find a person"),
        _("Search by prison number or name"),
        "search",
        "people.search_people",
        "staff",
        10,
    )
)
register_tile(
    Tile("core:audit", _("Audit log"), _("Who looked at or changed a record"), "list", "core.view_audit", "staff", 90)
)
