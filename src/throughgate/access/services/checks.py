"""Permission and scope checks that every write of the access app starts with."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from throughgate.core.errors import NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import establishments_for


def ensure_can(user: User, permission: str) -> None:
    if not user.is_active or not user.has_perm(permission):
        raise PermissionDenied(_("You do not have permission to do this."))


def ensure_in_scope(user: User, establishment: Establishment | None) -> None:
    """Staff act only in establishments they may act in; a record elsewhere looks like one that does not exist."""
    if establishment is None or not establishments_for(user=user).filter(pk=establishment.pk).exists():
        raise NotVisible(_("Not found"))
