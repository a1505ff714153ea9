"""The notices panel of the resident's home page: the three most recent notices showing today."""

from __future__ import annotations

from throughgate.core.errors import NotVisible
from throughgate.identity.models import User
from throughgate.identity.panels import Panel
from throughgate.selfservice.content.selectors import home_notices_for_resident
from throughgate.selfservice.permissions import USE_CONTENT

HOME_NOTICES = 3


def notices_panel(user: User) -> list[Panel]:
    """No panel when the person may not read notices, or none is showing."""
    if not user.has_perm(USE_CONTENT):
        return []
    try:
        notices = home_notices_for_resident(user=user, limit=HOME_NOTICES)
    except NotVisible:
        return []
    if not notices:
        return []
    shown = tuple((notice.pk, notice.title, notice.body, notice.title_cy, notice.body_cy) for notice in notices)
    return [Panel("selfservice/content/notices_panel.html", key=shown, data={"notices": notices})]
