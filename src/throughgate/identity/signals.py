"""Receivers for sign-in events raised by Django and django-axes: each leaves an audit row."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.dispatch import receiver
from django.utils.translation import gettext_lazy

from throughgate.core import audit

ACCOUNT_LOCKED = audit.register_action("identity.login.locked", gettext_lazy("Sign-in locked after repeated failures"))


@receiver(user_locked_out)
def record_lockout(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    audit.record(action=ACCOUNT_LOCKED, detail={"username": (username or "")[:150]})
