"""On PostgreSQL: each ledger entry's ``prev_balance`` must be the ``balance_after`` of the entry before it in the
same account (a composite foreign key), and ledger entries can be neither updated nor deleted (a trigger, with the
function core's migration 0002 made). On SQLite (the embedded demo) the check constraints still refuse a negative
balance, arithmetic that does not add up and a fork in the chain; the models refuse updates in Python."""

from django.db import migrations

TABLE = "selfservice_ledgerentry"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT ledger_follows_previous_entry "
        f"FOREIGN KEY (account_id, prev_seq, prev_balance) REFERENCES {TABLE} (account_id, seq, balance_after);"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION throughgate_refuse_change();"
    )


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};")
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS ledger_follows_previous_entry;")


class Migration(migrations.Migration):
    dependencies = [("selfservice", "0002_money_ledger_canteen"), ("core", "0002_append_only_triggers")]
    operations = [migrations.RunPython(forwards, backwards)]
