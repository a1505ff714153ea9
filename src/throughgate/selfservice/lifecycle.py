"""The app lifecycle (MoJ Managing Prisoner Apps): NEW -> IN_PROGRESS -> APPROVED / DECLINED / REJECTED.

``check_transition`` is the one place that says which status changes are allowed; anything else raises
``InvalidTransition`` with a reason a person can act on.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from throughgate.core.errors import InvalidTransition
from throughgate.selfservice.applications.models import AppStatus

ALLOWED: dict[str, frozenset[str]] = {
    AppStatus.NEW: frozenset({AppStatus.IN_PROGRESS}),
    AppStatus.IN_PROGRESS: frozenset({AppStatus.APPROVED, AppStatus.DECLINED, AppStatus.REJECTED}),
    AppStatus.APPROVED: frozenset(),
    AppStatus.DECLINED: frozenset(),
    AppStatus.REJECTED: frozenset(),
}


def check_transition(current: str, target: str) -> None:
    """Raise InvalidTransition, saying why, unless ``current -> target`` is allowed."""
    if target not in ALLOWED:
        raise InvalidTransition(_("That is not a status an app can have."), code="unknown_status")
    if target in ALLOWED.get(current, frozenset()):
        return
    current_label = AppStatus(current).label
    if not ALLOWED.get(current):
        raise InvalidTransition(
            _("This app is already %(status)s, so it cannot be changed. The answer has been sent.")
            % {"status": str(current_label).lower()},
            code="app_closed",
        )
    if current == target:
        raise InvalidTransition(
            _("This app is already %(status)s.") % {"status": str(current_label).lower()}, code="app_same_status"
        )
    if target == AppStatus.NEW:
        raise InvalidTransition(_("Work on this app has started. It cannot go back to new."), code="app_restart")
    raise InvalidTransition(
        _("Start work on this app before you answer it."), code="app_not_started"
    )  # NEW -> a decision
