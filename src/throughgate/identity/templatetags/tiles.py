"""``{% tiles_html tiles %}``: the home page's tiles, from the rendered-once cache in identity.tiles."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from throughgate.identity.tiles import Tile
from throughgate.identity.tiles import tiles_html as render_tiles

register = template.Library()


@register.simple_tag(name="tiles_html")
def tiles_html(tiles: list[Tile]) -> SafeString:
    # Our own template's output, escaped when it was rendered.
    return mark_safe(render_tiles(tiles))
