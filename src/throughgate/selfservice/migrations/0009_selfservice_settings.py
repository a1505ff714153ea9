# Complaint escalation: an overdue complaint goes to the governor named in the establishment's complaint settings.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0001_initial"),
        ("selfservice", "0008_content"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="escalated_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="complaint",
            name="escalated_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="escalated_complaints",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="complaintsettings",
            name="escalate_to",
            field=models.ForeignKey(
                blank=True,
                help_text="The governor: overdue complaints are escalated to this person.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="complaintsettings",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("appeal_days__gte", 1), ("comp1_days__gte", 1), ("comp1a_days__gte", 1), ("comp2_days__gte", 1)
                ),
                name="complaint_days_positive",
            ),
        ),
    ]
