"""Values every page template needs: layout (kiosk or staff), establishment switcher, language links."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language

from throughgate.identity import selectors
from throughgate.identity.middleware import SESSION_DEVICE
from throughgate.identity.models import User

LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}


def shell(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    on_device = SESSION_DEVICE in getattr(request, "session", {}) or request.path.startswith("/kiosk")
    current = get_language() or settings.LANGUAGE_CODE
    here = request.get_full_path()
    languages = [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "current": code == current,
            "href": f"{reverse('set_language')}?{urlencode({'language': code, 'next': here})}",
        }
        for code, _name in settings.LANGUAGES
    ]
    establishments: list[Any] = []
    if isinstance(user, User) and user.is_authenticated and user.is_staff_member:
        establishments = list(selectors.establishments_for(user=user))
    return {
        "shell": {
            "layout": "kiosk" if on_device else "staff",
            "template": "core/layout_kiosk.html" if on_device else "core/layout_staff.html",
            "languages": languages,
            "establishment": getattr(request, "establishment", None),
            "establishments": establishments,
            "idle_seconds": settings.KIOSK_IDLE_SECONDS if on_device else settings.STAFF_IDLE_SECONDS,
        }
    }
