"""docs/events.md carries the activity stream's schema and kinds, generated from the code: it must match the code."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from throughgate.core import activity
from throughgate.core.management.commands import events_doc


def test_docs_events_md_matches_the_code():
    text = events_doc.DOC.read_text(encoding="utf-8")
    assert events_doc.current_block(text) == events_doc.generated(), (
        "docs/events.md is out of date: run `uv run throughgate events_doc --write`"
    )


def test_check_mode_fails_when_the_doc_differs(tmp_path, monkeypatch):
    stale = tmp_path / "events.md"
    stale.write_text(f"Intro.\n\n{events_doc.START}\n| old |\n{events_doc.END}\nOutro.\n", encoding="utf-8")
    monkeypatch.setattr(events_doc.Command, "doc", stale)
    with pytest.raises(CommandError, match="out of date"):
        call_command("events_doc", "--check")
    call_command("events_doc", "--write", stderr=StringIO())
    call_command("events_doc", "--check")
    text = stale.read_text(encoding="utf-8")
    assert text.startswith("Intro.\n\n")
    assert text.endswith("\nOutro.\n")


def test_every_kind_is_documented_and_the_sample_line_imports():
    out = StringIO()
    call_command("events_doc", stdout=out)
    doc = out.getvalue()
    assert all(f"| `{code}` |" in doc for code in activity.KINDS)
    line = doc.split("```json\n", 1)[1].split("\n```", 1)[0]
    event = activity.parse_line(line)
    assert json.loads(activity.event_to_json(event)) == json.loads(line)
