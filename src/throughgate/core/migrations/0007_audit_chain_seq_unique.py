"""Every audit row now has its place in the chain: one row per place, and no row without one."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0006_audit_hash_chain")]
    operations = [
        migrations.AlterField(model_name="auditentry", name="seq", field=models.BigIntegerField(unique=True)),
        migrations.AlterField(
            model_name="auditentry", name="prev_hash", field=models.CharField(blank=True, max_length=64)
        ),
        migrations.AlterField(model_name="auditentry", name="entry_hash", field=models.CharField(max_length=64)),
    ]
