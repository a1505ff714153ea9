"""Writing the audit log. Call ``record`` inside the transaction of the change it describes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from throughgate.core import context
from throughgate.core.models import AuditEntry

# Every audit action is registered here with a sentence for the search page, so actions stay a known vocabulary.
# The sentence is lazy (``gettext_lazy("...")``) so the page shows it in English or Welsh; a plain ``str`` still works
# and is shown as it is.
ACTIONS: dict[str, str | Promise] = {}


def register_action(code: str, description: str | Promise) -> str:
    ACTIONS[code] = description
    return code


def describe(code: str) -> str | None:
    """The sentence for an action code in the active language, or None for a code no longer registered (an old row
    whose action was since renamed)."""
    description = ACTIONS.get(code)
    return None if description is None else str(description)


LOGIN_SUCCEEDED = register_action("identity.login.succeeded", gettext_lazy("Signed in"))
LOGIN_FAILED = register_action("identity.login.failed", gettext_lazy("Failed sign-in attempt"))
LOGOUT = register_action("identity.logout", gettext_lazy("Signed out"))
AUDIT_SEARCHED = register_action("core.audit.searched", gettext_lazy("Searched the audit log"))
ACTIVITY_IMPORTED = register_action("core.activity.imported", gettext_lazy("Imported activity events"))
ACTIVITY_EXPORTED = register_action("core.activity.exported", gettext_lazy("Exported activity events"))


def record(
    *,
    action: str,
    actor: Any | None = None,
    subject: str = "",
    obj: models.Model | None = None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
    establishment: str = "",
) -> AuditEntry:
    """Append one audit row. The actor defaults to the user of the current request; device, IP, correlation id and
    establishment come from the request context. Outside a request (a scheduled job, a command) the establishment is
    the given one or that of ``obj`` when it has one, so each prison's audit search finds its own rows."""
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
        establishment=establishment or ctx.establishment or _establishment_of(obj),
    )


def _establishment_of(obj: models.Model | None) -> str:
    place = getattr(obj, "establishment", None) if obj is not None else None
    return str(getattr(place, "code", "") or "")


def record_many(
    *,
    action: str,
    subjects: Iterable[tuple[str, str]],
    actor: Any | None = None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
    batch_size: int = 5000,
) -> int:
    """Append one audit row per subject, given as (prison number or CRN, establishment code), all alike but for those,
    in bulk: for a batch change to many people's records. Returns the number of rows."""
    if action not in ACTIONS:
        raise ValueError(f"Unregistered audit action {action!r}: register it with audit.register_action")
    ctx = context.current()
    actor_id = ctx.actor_id
    actor_username = ctx.actor_username
    if actor is not None and getattr(actor, "pk", None) is not None:
        actor_id = actor.pk
        actor_username = actor.get_username()
    rows = [
        AuditEntry(
            actor_id=actor_id,
            actor_username=actor_username,
            action=action,
            subject=subject,
            purpose=purpose,
            device=ctx.device,
            ip=ctx.ip or None,
            correlation_id=ctx.correlation_id,
            detail=detail or {},
            establishment=establishment or ctx.establishment,
        )
        for subject, establishment in subjects
    ]
    AuditEntry.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
