"""Panels for the resident's home page: what is open for them in self-service. Only the home page pays for it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from throughgate.core.errors import NotVisible
from throughgate.identity.models import User
from throughgate.selfservice import selectors
from throughgate.selfservice.permissions import USE_APPS

HOME_VIEW = "identity:home"


def home_panels(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    if match is None or match.view_name != HOME_VIEW or not isinstance(user, User) or not user.is_authenticated:
        return {}
    if not user.is_resident or not user.has_perm(USE_APPS):
        return {}
    try:
        items = selectors.resident_open_items(user=user)
    except NotVisible:
        return {}
    return {"home_panels": [{"template": "selfservice/includes/home_panel.html", "items": items}]}
