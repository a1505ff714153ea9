"""``throughgate db_roles --runtime-role NAME``: give the service's runtime database role what it needs and no more.

PostgreSQL only. Run it as the role that owns the tables (the one ``migrate`` runs as), after every ``migrate``:
it is idempotent. The runtime role (the one in the web servers' and worker's DATABASE_URL) gets SELECT, INSERT,
UPDATE and DELETE on the service's tables, except the append-only ones (those with the append-only trigger: the audit
log, the activity stream, the money ledger), where it may only read and add rows: no UPDATE, DELETE, TRUNCATE. Since
it owns no table it cannot ALTER TABLE ... DISABLE TRIGGER or DROP TRIGGER either. With --check it changes nothing
and exits 1 if the runtime role could change or empty an append-only table, owns a table or is a superuser.
See docs/running.md, "Database roles".
"""

from __future__ import annotations

import re
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
FORBIDDEN = ("UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "REFERENCES")


def append_only_tables() -> list[str]:
    """Tables of the current schema guarded by an append-only trigger (core migrations 0002 and 0003)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers "
            "WHERE trigger_schema = current_schema() AND (trigger_name LIKE %s OR trigger_name LIKE %s) ORDER BY 1",
            ["%\\_append\\_only", "%\\_no\\_truncate"],
        )
        return [row[0] for row in cursor.fetchall()]


def problems(role: str) -> list[str]:
    """What the runtime role could do that it must not, in words (empty: nothing)."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            return [f"there is no role {role!r}"]
        if row[0]:
            found.append(f"{role} is a superuser")
        cursor.execute(
            "SELECT c.relname, pg_get_userbyid(c.relowner) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
            "AND pg_has_role(%s, c.relowner, 'USAGE') ORDER BY 1",
            [role],
        )
        for table, owner in cursor.fetchall():
            found.append(f"{role} owns {table} (or may act as its owner {owner}), so it could switch its guard off")
        for table in append_only_tables():
            for privilege in FORBIDDEN:
                cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [role, table, privilege])
                if cursor.fetchone()[0]:
                    found.append(f"{role} has {privilege} on {table}")
    return found


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--runtime-role", required=True, help="The role the web servers and worker connect as")
        parser.add_argument("--check", action="store_true", help="Change nothing; exit 1 if the role may too much")

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["runtime_role"]
        if connection.vendor != "postgresql":
            raise CommandError("db_roles is for PostgreSQL; SQLite has no database roles.")
        if not ROLE_NAME.match(role):
            raise CommandError(f"{role!r} is not a plain role name.")
        if not options["check"]:
            self._grant(role)
        found = problems(role)
        if found:
            raise CommandError("The runtime role may too much:\n- " + "\n- ".join(found), returncode=1)
        guarded = ", ".join(append_only_tables())
        self.stdout.write(f"{role}: reads and adds rows only on {guarded}; owns no table.")

    @transaction.atomic
    def _grant(self, role: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(
                    f"There is no role {role!r}: create it first (CREATE ROLE {role} LOGIN PASSWORD '...')."
                )
            cursor.execute("SELECT current_user")
            if cursor.fetchone()[0] == role:
                raise CommandError("Run db_roles as the tables' owner (the migration role), not as the runtime role.")
            quoted = connection.ops.quote_name(role)
            cursor.execute("SELECT current_schema()")
            schema = connection.ops.quote_name(cursor.fetchone()[0])
            cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {quoted}")
            cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {quoted}")
            cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}")
            cursor.execute(f"REVOKE TRUNCATE, TRIGGER, REFERENCES ON ALL TABLES IN SCHEMA {schema} FROM {quoted}")
            for table in append_only_tables():
                name = connection.ops.quote_name(table)
                cursor.execute(f"REVOKE {', '.join(FORBIDDEN)} ON {name} FROM {quoted}, PUBLIC")
