"""Home-page panels: what a resident's home page shows above the tiles. Each app registers the panels it offers
(like the tiles in ``tiles.py``); the home view asks ``panels_for`` and renders them in order. A panel names its
template, what the template reads (``data``) and a ``key``: everything it shows. The page is kept once rendered
per language and per key (ADR 0008), so the key of the page is built from the panels' own keys: a new panel cannot
leave it stale."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from throughgate.identity.models import User


@dataclass(frozen=True)
class Panel:
    template: str
    key: Hashable  # everything the panel shows: the same key, the same HTML
    data: Mapping[str, Any] = field(default_factory=dict)  # what the template reads as ``panel.<name>``


@dataclass(frozen=True)
class PanelSource:
    """A function that gives a user's panels of one kind (none when they may not see them), with its place."""

    name: str
    panels: Callable[[User], list[Panel]]
    order: int = 100


PANEL_SOURCES: list[PanelSource] = []


def register_panels(source: PanelSource) -> None:
    PANEL_SOURCES[:] = sorted(
        [s for s in PANEL_SOURCES if s.name != source.name] + [source], key=lambda s: (s.order, s.name)
    )


def panels_for(user: User) -> list[Panel]:
    """The panels of a resident's home page, in order (staff home pages have none)."""
    if not user.is_resident:
        return []
    return [panel for source in PANEL_SOURCES for panel in source.panels(user)]


def panels_key(panels: list[Panel]) -> tuple[tuple[str, Hashable], ...]:
    """The memo key of the panels a page shows, from each panel's template and own key."""
    return tuple((panel.template, panel.key) for panel in panels)
