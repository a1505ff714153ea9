"""Reads of family-site accounts."""

from __future__ import annotations

from throughgate.contact.family.models import FamilyAccount
from throughgate.identity.models import User


def account_of(*, user: User) -> FamilyAccount | None:
    if not user.is_authenticated or not user.is_family_member:
        return None
    return FamilyAccount.objects.filter(user=user).first()


def account_by_id(*, account_id: int) -> FamilyAccount | None:
    """The account a sign-up in progress names (kept in the session until its email is confirmed)."""
    return FamilyAccount.objects.select_related("user").filter(pk=account_id, confirmed_at__isnull=True).first()
