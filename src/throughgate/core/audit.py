"""Writing the audit log. Call ``record`` inside the transaction of the change it describes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from throughgate.core import audit_chain, context
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
    entry = AuditEntry(
        actor_id=actor_id,
        actor_username=actor_username,
        action=action,
        subject=subject,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        purpose=purpose,
        device=ctx.device,
        ip=audit_chain.normal_ip(ctx.ip),
        correlation_id=ctx.correlation_id,
        detail=detail or {},
        establishment=establishment or ctx.establishment or _establishment_of(obj),
    )
    _append([entry])
    return entry


def _append(entries: list[AuditEntry], *, batch_size: int = 5000) -> None:
    """Chain the new rows onto the log and insert them, holding the chain until the transaction ends."""
    with transaction.atomic():
        audit_chain.lock()
        last = AuditEntry.objects.order_by("-seq").values_list("seq", "entry_hash").first()
        seq, prev_hash = last if last is not None else (0, audit_chain.GENESIS)
        for entry in entries:
            seq += 1
            entry.seq, entry.prev_hash = seq, prev_hash
            fields = {name: getattr(entry, name) for name in audit_chain.FIELDS}
            entry.entry_hash = prev_hash = audit_chain.entry_hash(seq=seq, prev_hash=entry.prev_hash, fields=fields)
        if len(entries) == 1:
            entries[0].save(force_insert=True)
        else:
            AuditEntry.objects.bulk_create(entries, batch_size=batch_size)


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
            ip=audit_chain.normal_ip(ctx.ip),
            correlation_id=ctx.correlation_id,
            detail=detail or {},
            establishment=establishment or ctx.establishment,
        )
        for subject, establishment in subjects
    ]
    _append(rows, batch_size=batch_size)
    return len(rows)


def chain_head() -> audit_chain.Head | None:
    """The last row of the audit chain, or None while the log is empty."""
    row = AuditEntry.objects.order_by("-seq").only("id", "seq", "entry_hash", "at").first()
    return None if row is None else audit_chain.Head(id=row.pk, seq=row.seq, hash=row.entry_hash, at=row.at)


def chain_verify(*, saved_head: dict[str, Any] | None = None) -> audit_chain.Verdict:
    """Walk the whole audit chain from its first row; with ``saved_head`` (a head written out earlier) also check that
    it is still in the chain, so a log cut short after it is found. The verdict names the first broken row."""
    rows = AuditEntry.objects.order_by("seq").iterator(chunk_size=5000)
    verdict = audit_chain.walk(rows)
    if verdict.broken is None and saved_head is not None:
        row = AuditEntry.objects.filter(seq=int(saved_head["seq"])).first()
        last_seq = verdict.head.seq if verdict.head is not None else 0
        verdict.broken = audit_chain.check_head(saved_head, row, last_seq=last_seq)
    return verdict
