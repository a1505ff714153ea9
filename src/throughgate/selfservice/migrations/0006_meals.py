# Meals: weekly menus and their options, meal sheets and choices, recorded diets, and the cut-off per establishment.

import datetime

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0001_initial"),
        ("people", "0001_initial"),
        ("selfservice", "0005_ledger_transfer_group_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Menu",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("week_start", models.DateField(help_text="The Monday the week starts.")),
                (
                    "status",
                    models.CharField(
                        choices=[("DRAFT", "Draft"), ("PUBLISHED", "Published")], default="DRAFT", max_length=10
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("published_at", models.DateTimeField(blank=True, null=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "establishment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="menus", to="identity.establishment"
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["establishment", "-week_start"],
            },
        ),
        migrations.CreateModel(
            name="MealSheet",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("submitted_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("current", models.BooleanField(default=True)),
                ("idempotency_key", models.CharField(max_length=80)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="meal_sheets", to="people.person"
                    ),
                ),
                (
                    "submitted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "menu",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="sheets", to="selfservice.menu"
                    ),
                ),
            ],
            options={
                "ordering": ["-submitted_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="MenuOption",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                (
                    "meal",
                    models.CharField(
                        choices=[("breakfast", "Breakfast"), ("lunch", "Lunch"), ("dinner", "Dinner")], max_length=10
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                ("name_cy", models.CharField(blank=True, max_length=100, verbose_name="name in Welsh")),
                (
                    "markers",
                    models.JSONField(
                        blank=True, default=list, help_text="Marker codes, e.g. ['halal', 'gluten_free']."
                    ),
                ),
                ("order", models.PositiveSmallIntegerField(default=100)),
                (
                    "menu",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="options", to="selfservice.menu"
                    ),
                ),
            ],
            options={
                "ordering": ["day", "meal", "order", "id"],
            },
        ),
        migrations.CreateModel(
            name="MealChoice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField()),
                (
                    "meal",
                    models.CharField(
                        choices=[("breakfast", "Breakfast"), ("lunch", "Lunch"), ("dinner", "Dinner")], max_length=10
                    ),
                ),
                (
                    "sheet",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="choices", to="selfservice.mealsheet"
                    ),
                ),
                (
                    "option",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="choices", to="selfservice.menuoption"
                    ),
                ),
            ],
            options={
                "ordering": ["day", "meal"],
            },
        ),
        migrations.CreateModel(
            name="RecordedDiet",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("needs", models.JSONField(blank=True, default=list, help_text="Marker codes every dish must have.")),
                (
                    "reason",
                    models.CharField(
                        choices=[("religious", "Religious"), ("medical", "Medical"), ("ethical", "Belief or choice")],
                        max_length=10,
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200)),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "person",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT, related_name="recorded_diet", to="people.person"
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="MealSettings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "cutoff_weekday",
                    models.PositiveSmallIntegerField(
                        default=3, help_text="0 Monday ... 6 Sunday, in the week before the menu's week."
                    ),
                ),
                ("cutoff_time", models.TimeField(default=datetime.time(17, 0))),
                (
                    "establishment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="meal_settings",
                        to="identity.establishment",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "meal settings",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("cutoff_weekday__lte", 6)), name="meal_cutoff_weekday_valid"
                    )
                ],
            },
        ),
        migrations.AddConstraint(
            model_name="menu",
            constraint=models.UniqueConstraint(fields=("establishment", "week_start"), name="menu_one_per_week"),
        ),
        migrations.AddConstraint(
            model_name="menu",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("published_at__isnull", False), ("status", "PUBLISHED")),
                    ("status", "DRAFT"),
                    _connector="OR",
                ),
                name="menu_published_has_time",
            ),
        ),
        migrations.AddIndex(
            model_name="mealsheet",
            index=models.Index(fields=["menu", "current"], name="meal_sheet_menu_current"),
        ),
        migrations.AddConstraint(
            model_name="mealsheet",
            constraint=models.UniqueConstraint(
                fields=("person", "idempotency_key"), name="meal_sheet_idempotency_key_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="mealsheet",
            constraint=models.UniqueConstraint(
                condition=models.Q(("current", True)), fields=("person", "menu"), name="meal_sheet_one_current"
            ),
        ),
        migrations.AddIndex(
            model_name="menuoption",
            index=models.Index(fields=["menu", "day", "meal"], name="menu_option_slot"),
        ),
        migrations.AddConstraint(
            model_name="menuoption",
            constraint=models.UniqueConstraint(fields=("menu", "day", "meal", "name"), name="menu_option_once"),
        ),
        migrations.AddConstraint(
            model_name="mealchoice",
            constraint=models.UniqueConstraint(fields=("sheet", "day", "meal"), name="meal_choice_once_per_meal"),
        ),
    ]
