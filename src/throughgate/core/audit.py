"""Writing the audit log. Call ``record`` inside the transaction of the change it describes."""

from __future__ import annotations

from typing import Any

from django.db import models

from throughgate.core import context
from throughgate.core.models import AuditEntry

# Every audit action is registered here with a sentence for the search page, so actions stay a known vocabulary.
ACTIONS: dict[str, str] = {}


def register_action(code: str, description: str) -> str:
    ACTIONS[code] = description
    return code


LOGIN_SUCCEEDED = register_action("identity.login.succeeded", "Signed in")
LOGIN_FAILED = register_action("identity.login.failed", "Failed sign-in attempt")
LOGOUT = register_action("identity.logout", "Signed out")
AUDIT_SEARCHED = register_action("core.audit.searched", "Searched the audit log")
ACTIVITY_IMPORTED = register_action("core.activity.imported", "Imported activity events")
ACTIVITY_EXPORTED = register_action("core.activity.exported", "Exported activity events")


def record(
    *,
    action: str,
    actor: Any | None = None,
    subject: str = "",
    obj: models.Model | None = None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit row. The actor defaults to the user of the current request; device, IP and correlation id
    come from the request context."""
    if action not in ACTIONS:
        raise ValueError(f"Unregistered audit action {action!r}: register it with audit.register_action")
    ctx = context.current()
    actor_id = ctx.actor_id
    actor_username = ctx.actor_username
    if actor is not None and getattr(actor, "pk", None) is not None:
        actor_id = actor.pk
        actor_username = actor.get_username()
    return AuditEntry.objects.create(
        actor_id=actor_id,
        actor_username=actor_username,
        action=action,
        subject=subject,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        purpose=purpose,
        device=ctx.device,
        ip=ctx.ip or None,
        correlation_id=ctx.correlation_id,
        detail=detail or {},
    )
