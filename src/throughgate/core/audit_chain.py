"""The audit log's hash chain: each row carries its place in the chain (``seq``), the hash of the row before it
(``prev_hash``) and its own hash (``entry_hash``), SHA-256 over a canonical serialisation of its fields and
``prev_hash``. A changed row no longer matches its hash; a deleted row leaves a gap in ``seq`` and a link that does
not match; a truncated tail is caught against a chain head written out earlier (``core.jobs.write_audit_head``).

Appending takes one lock for the whole chain in the inserting transaction (a transaction-level advisory lock on
PostgreSQL; on SQLite every write transaction already holds the database's write lock), so two writers never fork it.
The serialisation must never change: the data migration that chained the rows before it existed uses it too.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection

GENESIS = ""
# Key of the PostgreSQL advisory lock that serialises appends to the chain ("tgau").
LOCK_KEY = 0x74676175
VERSION = "v1"
FIELDS = (
    "at",
    "actor_id",
    "actor_username",
    "action",
    "subject",
    "object_type",
    "object_id",
    "purpose",
    "device",
    "ip",
    "correlation_id",
    "detail",
    "establishment",
)


def normal_ip(ip: str | None) -> str | None:
    """The address as the database gives it back (PostgreSQL's ``inet`` compresses IPv6)."""
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return ip


def entry_hash(*, seq: int, prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 (hex) of one row: its place, the previous row's hash and its fields, as canonical JSON."""
    at = fields["at"]
    values = {name: fields[name] for name in FIELDS}
    values["at"] = at.astimezone(UTC).isoformat(timespec="microseconds") if isinstance(at, datetime) else str(at)
    values["ip"] = normal_ip(values["ip"])
    values["detail"] = values["detail"] or {}
    document = {"v": VERSION, "seq": seq, "prev_hash": prev_hash, **values}
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def lock() -> None:
    """Hold the chain until the end of the current transaction (call inside ``transaction.atomic``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


@dataclass(frozen=True)
class Head:
    """The last row of the chain: what the daily job writes out so that a truncated tail can be found."""

    id: int
    seq: int
    hash: str
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "seq": self.seq, "hash": self.hash, "at": self.at.astimezone(UTC).isoformat()}


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold, in words."""

    id: int | None
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"row id {self.id} (seq {self.seq})" if self.id is not None else "the chain"
        return f"{where}: {self.reason}"


@dataclass
class Verdict:
    checked: int = 0
    head: Head | None = None
    broken: Break | None = None


def walk(rows: Iterator[Any]) -> Verdict:
    """Check rows given in ``seq`` order (model instances or objects with the same attributes)."""
    verdict = Verdict()
    expected_seq, prev_hash = 1, GENESIS
    for row in rows:
        verdict.checked += 1
        if row.seq != expected_seq:
            missing = row.seq - expected_seq
            verdict.broken = Break(
                row.id,
                row.seq,
                f"{missing} row(s) before it are missing (expected seq {expected_seq}): deleted",
            )
            return verdict
        if row.prev_hash != prev_hash:
            verdict.broken = Break(row.id, row.seq, "its link to the row before does not match: a row was replaced")
            return verdict
        fields = {name: getattr(row, name) for name in FIELDS}
        if entry_hash(seq=row.seq, prev_hash=row.prev_hash, fields=fields) != row.entry_hash:
            verdict.broken = Break(row.id, row.seq, "its contents do not match its hash: changed")
            return verdict
        expected_seq, prev_hash = row.seq + 1, row.entry_hash
        verdict.head = Head(id=row.id, seq=row.seq, hash=row.entry_hash, at=row.at)
    return verdict


def check_head(saved: dict[str, Any], row: Any | None, *, last_seq: int) -> Break | None:
    """Is a head written out earlier (``saved``) still in the chain? ``row`` is the row now at its ``seq``."""
    seq, digest = int(saved["seq"]), str(saved["hash"])
    if row is None:
        return Break(
            int(saved["id"]),
            seq,
            f"the saved chain head is no longer in the log (it ends at seq {last_seq}): its tail was cut off",
        )
    if row.entry_hash != digest:
        return Break(row.id, seq, "the saved chain head's hash differs from this row's: the chain was rewritten")
    return None
