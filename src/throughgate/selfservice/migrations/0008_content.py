# Placeholder in the chain so that meals, timetable, content and settings can each own one migration.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("selfservice", "0007_timetable"),
    ]

    operations: list[migrations.operations.base.Operation] = []
