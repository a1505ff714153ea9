"""docs/roles.md carries a table generated from the code (roles, permissions, routes): it must match the code."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from throughgate.identity.management.commands import roles_table


def test_docs_roles_md_matches_the_code():
    text = roles_table.DOC.read_text(encoding="utf-8")
    assert roles_table.current_block(text) == roles_table.generated(), (
        "docs/roles.md is out of date: run `uv run throughgate roles_table --write`"
    )


def test_check_mode_fails_when_the_doc_differs(tmp_path, monkeypatch):
    stale = tmp_path / "roles.md"
    stale.write_text(f"Intro.\n\n{roles_table.START}\n| old |\n{roles_table.END}\n", encoding="utf-8")
    monkeypatch.setattr(roles_table.Command, "doc", stale)
    with pytest.raises(CommandError, match="out of date"):
        call_command("roles_table", "--check")
    call_command("roles_table", "--write", stderr=StringIO())
    call_command("roles_table", "--check")
    assert stale.read_text(encoding="utf-8").startswith("Intro.\n\n")


def test_every_permission_and_role_is_in_the_table():
    from throughgate.core.access import PERMISSIONS
    from throughgate.identity.roles import DEFAULT_ROLES

    out = StringIO()
    call_command("roles_table", stdout=out)
    table = out.getvalue()
    assert all(f"`{code}`" in table for code in PERMISSIONS)
    assert all(spec.name in table for spec in DEFAULT_ROLES)
    assert "| `/` | `identity:home` | page | `identity.view_home` |" in table
