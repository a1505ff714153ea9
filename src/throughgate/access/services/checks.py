"""The scope check that the access app's writes make after ``core.access.ensure_can``: a record outside the
establishments the user may act in looks like one that does not exist (NotVisible, not a refusal)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from throughgate.core.errors import NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import establishments_for


def ensure_in_scope(user: User, establishment: Establishment | None) -> None:
    """Staff act only in establishments they may act in; a record elsewhere looks like one that does not exist."""
    if establishment is None or not establishments_for(user=user).filter(pk=establishment.pk).exists():
        raise NotVisible(_("Not found"))
