"""The subject access archive: a zip with one JSON file per section of the registry, a manifest, and a readable
HTML summary. Built from every app's registered exporter (``people.data_protection``)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from throughgate.people.data_protection import Row, sections
from throughgate.people.models import Person


@dataclass
class Part:
    key: str
    title: str
    redactions: str
    rows: list[Row]


@dataclass
class Archive:
    content: bytes
    sha256: str
    counts: dict[str, int]


def collect(person: Person) -> list[Part]:
    """Every registered section's rows for the person, in English (the archive's language)."""
    with translation.override("en"):
        return [Part(s.key, str(s.title), str(s.redactions), s.export(person)) for s in sections()]


def build(*, person: Person, reference: str, made_at: datetime, made_by_role: str) -> Archive:
    parts = collect(person)
    counts = {part.key: len(part.rows) for part in parts}
    manifest: dict[str, Any] = {
        "reference": reference,
        "prison_number": person.prison_number,
        "made_at": made_at.isoformat(),
        "made_by": made_by_role,
        "sections": [
            {"key": p.key, "title": p.title, "rows": len(p.rows), "file": f"{p.key}.json", "redactions": p.redactions}
            for p in parts
        ],
    }
    with translation.override("en"):
        summary = render_to_string(
            "dataprotection/archive_summary.html",
            {"person": person, "parts": parts, "manifest": manifest, "made_at": timezone.localtime(made_at)},
        )
    buffer = io.BytesIO()
    stamp = timezone.localtime(made_at).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, text: str) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)

        add("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
        add("summary.html", summary)
        for part in parts:
            add(f"sections/{part.key}.json", json.dumps(part.rows, indent=2, ensure_ascii=False, default=str))
    content = buffer.getvalue()
    return Archive(content=content, sha256=hashlib.sha256(content).hexdigest(), counts=counts)
