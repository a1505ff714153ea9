"""Chain the audit log (core/audit_chain.py): every row already written gets its place, the previous row's hash and
its own, in the order the rows were written (by id). On PostgreSQL the append-only trigger is switched off for the
length of this migration's transaction only; migrate runs as the tables' owner (docs/running.md), which may."""

from django.db import migrations, models

from throughgate.core import audit_chain

TRIGGER = "core_auditentry_append_only"


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    entry_model = apps.get_model("core", "AuditEntry")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE core_auditentry DISABLE TRIGGER {TRIGGER};")
    prev_hash = audit_chain.GENESIS
    for seq, row in enumerate(entry_model.objects.order_by("id").iterator(chunk_size=2000), start=1):
        fields = {name: getattr(row, name) for name in audit_chain.FIELDS}
        digest = audit_chain.entry_hash(seq=seq, prev_hash=prev_hash, fields=fields)
        entry_model.objects.filter(pk=row.pk).update(seq=seq, prev_hash=prev_hash, entry_hash=digest)
        prev_hash = digest
    if postgres:
        schema_editor.execute(f"ALTER TABLE core_auditentry ENABLE TRIGGER {TRIGGER};")


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_entry_establishment")]
    operations = [
        migrations.AddField(model_name="auditentry", name="seq", field=models.BigIntegerField(null=True)),
        migrations.AddField(
            model_name="auditentry", name="prev_hash", field=models.CharField(blank=True, default="", max_length=64)
        ),
        migrations.AddField(
            model_name="auditentry", name="entry_hash", field=models.CharField(default="", max_length=64)
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
