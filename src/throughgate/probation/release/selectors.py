"""Reads for release: who may be allocated as practitioner."""

from __future__ import annotations

from throughgate.identity.models import User
from throughgate.identity.selectors import staff_holding_anywhere
from throughgate.probation.permissions import SUPERVISE


def practitioners() -> list[User]:
    """Staff who hold a practitioner's permission (a release allocates one of them)."""
    return staff_holding_anywhere(permission=SUPERVISE)
