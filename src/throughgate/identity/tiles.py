"""Home-page tiles: each app registers the tiles it offers, with the permission that shows them and an icon.
Residents' tiles use plain words (checked for reading ease by a test)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from throughgate.identity.models import User


@dataclass(frozen=True)
class Tile:
    url_name: str
    title: Promise
    hint: Promise
    icon: str  # a shared icon's name (core/icons/<name>.svg), or an app's own icon template
    permission: str
    audience: str  # "resident" or "staff"
    order: int = 100

    @property
    def href(self) -> str:
        return reverse(self.url_name)

    @property
    def icon_template(self) -> str:
        """``icon`` names one of core's shared icons, or is the template path of an app's own."""
        return self.icon if self.icon.endswith(".svg") else f"core/icons/{self.icon}.svg"


TILES: list[Tile] = []


def tiles_for(user: User) -> list[Tile]:
    """The tiles this user's home page shows: those of their audience that their permissions open."""
    audience = "resident" if user.is_resident else "staff"
    return list(_tiles_for(audience, user.permission_codes() if user.is_active else frozenset(), get_urlconf()))


@lru_cache(maxsize=512)
def _tiles_for(audience: str, permissions: frozenset[str], urlconf: str | None) -> tuple[Tile, ...]:
    # Worked out once per set of permissions (a handful of role mixes), not on every visit to a home page.
    chosen = []
    for tile in sorted(TILES, key=lambda t: t.order):
        if tile.audience != audience or tile.permission not in permissions:
            continue
        try:
            reverse(tile.url_name, urlconf=urlconf)
        except NoReverseMatch:
            continue
        chosen.append(tile)
    return tuple(chosen)


def tiles_html(tiles: list[Tile]) -> str:
    """The tiles as HTML, rendered once per set of tiles and language (there is nothing personal in them)."""
    key = (get_language(), get_urlconf(), tuple(tile.url_name for tile in tiles))
    html = _rendered.get(key)
    if html is None:
        html = render_to_string("identity/includes/tiles_list.html", {"tiles": tiles})
        if len(_rendered) > 1000:
            _rendered.clear()
        _rendered[key] = html
    return html


_rendered: dict[tuple[str | None, str | None, tuple[str, ...]], str] = {}


def register_tile(tile: Tile) -> None:
    TILES.append(tile)
    _tiles_for.cache_clear()
    _rendered.clear()


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
