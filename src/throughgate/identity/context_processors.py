"""Values every page template needs: layout (kiosk or staff), establishment switcher, language links, and a staff
member's count of unread notifications."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language

from throughgate.identity import selectors
from throughgate.identity.middleware import SESSION_DEVICE
from throughgate.identity.models import User
from throughgate.identity.permissions import VIEW_NOTIFICATIONS

LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}


@dataclass(frozen=True)
class Language:
    """One link of the language toggle (hashable, so a template can ``{% memo %}`` on the toggle)."""

    code: str
    name: str
    current: bool
    href: str


@lru_cache(maxsize=2048)
def languages_for(current: str, here: str) -> tuple[Language, ...]:
    """The toggle for a page in the current language: each language, and the link that switches to it and back here."""
    switch = reverse("set_language")
    return tuple(
        Language(code, LANGUAGE_NAMES[code], code == current, f"{switch}?{urlencode({'language': code, 'next': here})}")
        for code, _name in settings.LANGUAGES
    )


def shell(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    on_device = SESSION_DEVICE in getattr(request, "session", {}) or request.path.startswith("/kiosk")
    current = get_language() or settings.LANGUAGE_CODE
    here = request.get_full_path()
    languages = languages_for(current, here)
    establishments: list[Any] = []
    unread: int | None = None
    if isinstance(user, User) and user.is_authenticated and user.is_staff_member:
        establishments = list(selectors.establishments_for(user=user))
        if VIEW_NOTIFICATIONS in user.permission_codes():
            unread = selectors.unread_notification_count(user=user)
    return {
        "shell": {
            "layout": "kiosk" if on_device else "staff",
            "template": "core/layout_kiosk.html" if on_device else "core/layout_staff.html",
            "languages": languages,
            "establishment": selectors.acting_establishment(request),
            "establishments": establishments,
            "unread_notifications": unread,
            "idle_seconds": settings.KIOSK_IDLE_SECONDS if on_device else settings.STAFF_IDLE_SECONDS,
        }
    }
