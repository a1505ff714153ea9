"""PostgreSQL refuses TRUNCATE on the money ledger, as on the audit log (core 0003): entries are never removed."""

from django.db import migrations

TABLE = "selfservice_ledgerentry"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION throughgate_refuse_truncate();"
    )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};")


class Migration(migrations.Migration):
    dependencies = [("selfservice", "0009_selfservice_settings"), ("core", "0003_refuse_truncate")]
    operations = [migrations.RunPython(forwards, backwards)]
