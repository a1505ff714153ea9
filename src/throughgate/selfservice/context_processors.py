"""Panels for the resident's home page: what is open for them in self-service. Only the home page pays for it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from throughgate.core.errors import NotVisible
from throughgate.identity.models import User
from throughgate.selfservice import selectors
from throughgate.selfservice.content.panels import notices_panel
from throughgate.selfservice.models import pounds
from throughgate.selfservice.permissions import USE_APPS, USE_MONEY

HOME_VIEW = "identity:home"


def home_panels(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if match is None or match.view_name != HOME_VIEW or not isinstance(user, User) or not user.is_authenticated:
        return {}
    if not user.is_resident:
        return {}
    panels: list[dict[str, Any]] = []
    try:
        may_money, may_apps = user.has_perm(USE_MONEY), user.has_perm(USE_APPS)
        if not (may_money or may_apps):
            return {}
        summary = selectors.resident_home_summary(user=user)
    except NotVisible:
        return {}
    if may_money:
        spends = pounds(summary.spends)
        panels.append({"template": "selfservice/includes/money_panel.html", "spends": spends, "key": spends})
    if may_apps:
        items = summary.items
        panels.append({"template": "selfservice/includes/home_panel.html", "items": items, "key": items})
    panels += notices_panel(user)
    # Everything the panels show, for the page's {% memo %}: the same key, the same panels.
    return {"home_panels": panels, "home_key": tuple((panel["template"], panel["key"]) for panel in panels)}
