"""PostgreSQL refuses TRUNCATE on the audit log and the activity stream too (0002 refuses UPDATE and DELETE row by
row; TRUNCATE fires no row triggers, so without this a `manage.py flush` or a stray TRUNCATE would empty them).

The test suite's own database is emptied between transactional tests with TRUNCATE; the test settings connect with
``throughgate.allow_truncate=on`` for that (config/settings.py), and nothing else sets it.
"""

from django.db import migrations

TABLES = ("core_auditentry", "core_activityevent")

FUNCTION = """
CREATE OR REPLACE FUNCTION throughgate_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('throughgate.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'append-only table %: TRUNCATE is not allowed', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # no parameters: the % in RAISE are PL/pgSQL's, not psycopg's
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION throughgate_refuse_truncate();"
        )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS throughgate_refuse_truncate();")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
