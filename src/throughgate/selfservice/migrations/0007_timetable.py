# Timetable and attendance: activities, weekly schedules, dated sessions, allocations and attendance records.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0001_initial"),
        ("people", "0001_initial"),
        ("selfservice", "0006_meals"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Activity",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.SlugField(max_length=30)),
                ("name", models.CharField(max_length=100)),
                ("name_cy", models.CharField(blank=True, max_length=100, verbose_name="name in Welsh")),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("WORK", "Work"),
                            ("EDUCATION", "Education"),
                            ("GYM", "Gym"),
                            ("PROGRAMME", "Course to change behaviour"),
                            ("EXERCISE", "Time outside"),
                            ("LIBRARY", "Library"),
                            ("FAITH", "Faith"),
                            ("ASSOCIATION", "Free time on the wing"),
                        ],
                        max_length=12,
                    ),
                ),
                ("location", models.CharField(help_text="Where it happens, e.g. Workshop 3.", max_length=100)),
                ("location_cy", models.CharField(blank=True, max_length=100, verbose_name="location in Welsh")),
                (
                    "capacity",
                    models.PositiveSmallIntegerField(default=20, help_text="How many people may be allocated at once."),
                ),
                ("active", models.BooleanField(default=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "establishment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="activities",
                        to="identity.establishment",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "activities",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="ActivitySchedule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("weekday", models.PositiveSmallIntegerField(help_text="0 Monday ... 6 Sunday.")),
                (
                    "slot",
                    models.CharField(
                        choices=[("AM", "Morning"), ("PM", "Afternoon"), ("ED", "Evening"), ("OTHER", "Other time")],
                        max_length=5,
                    ),
                ),
                ("start_time", models.TimeField()),
                ("end_time", models.TimeField()),
                ("starts_on", models.DateField()),
                ("ends_on", models.DateField(blank=True, null=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "activity",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="schedules", to="selfservice.activity"
                    ),
                ),
            ],
            options={
                "ordering": ["weekday", "start_time"],
            },
        ),
        migrations.CreateModel(
            name="ActivitySession",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField(help_text="The local date of the session.")),
                (
                    "slot",
                    models.CharField(
                        choices=[("AM", "Morning"), ("PM", "Afternoon"), ("ED", "Evening"), ("OTHER", "Other time")],
                        max_length=5,
                    ),
                ),
                ("starts_at", models.DateTimeField()),
                ("ends_at", models.DateTimeField()),
                (
                    "minutes",
                    models.PositiveIntegerField(help_text="Real minutes from start to end (a clock change counts)."),
                ),
                ("cancelled", models.BooleanField(default=False)),
                (
                    "activity",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="sessions", to="selfservice.activity"
                    ),
                ),
                (
                    "schedule",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="sessions",
                        to="selfservice.activityschedule",
                    ),
                ),
            ],
            options={
                "ordering": ["starts_at", "activity__name"],
            },
        ),
        migrations.CreateModel(
            name="Allocation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("starts_on", models.DateField()),
                ("ends_on", models.DateField(blank=True, null=True)),
                ("allocated_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("end_reason", models.CharField(blank=True, max_length=200)),
                (
                    "activity",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="allocations",
                        to="selfservice.activity",
                    ),
                ),
                (
                    "allocated_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "ended_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="allocations", to="people.person"
                    ),
                ),
            ],
            options={
                "ordering": ["starts_on", "id"],
            },
        ),
        migrations.CreateModel(
            name="AttendanceRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "code",
                    models.CharField(
                        choices=[
                            ("ATTENDED", "Attended"),
                            ("REFUSED", "Refused to attend"),
                            ("SICK", "Sick"),
                            ("NOT_REQUIRED", "Not required or excused"),
                            ("REST", "Rest day"),
                            ("CLASH", "Another activity or appointment at the same time"),
                            ("SUSPENDED", "Suspended"),
                            ("CANCELLED", "Session cancelled"),
                            ("OTHER", "Other reason"),
                        ],
                        max_length=12,
                    ),
                ),
                ("paid", models.BooleanField()),
                ("comment", models.TextField(blank=True, max_length=1000)),
                (
                    "incentive_warning",
                    models.BooleanField(default=False, help_text="An incentive warning was given (refusals)."),
                ),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("version", models.PositiveSmallIntegerField(default=1)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="attendance", to="people.person"
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
                (
                    "session",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attendance",
                        to="selfservice.activitysession",
                    ),
                ),
            ],
            options={
                "ordering": ["session", "person"],
            },
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.UniqueConstraint(fields=("establishment", "code"), name="activity_code_unique"),
        ),
        migrations.AddConstraint(
            model_name="activity",
            constraint=models.CheckConstraint(
                condition=models.Q(("capacity__gte", 1)), name="activity_capacity_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="activityschedule",
            constraint=models.CheckConstraint(condition=models.Q(("weekday__lte", 6)), name="schedule_weekday_valid"),
        ),
        migrations.AddConstraint(
            model_name="activityschedule",
            constraint=models.CheckConstraint(
                condition=models.Q(("end_time__gt", models.F("start_time"))), name="schedule_ends_after_start"
            ),
        ),
        migrations.AddConstraint(
            model_name="activityschedule",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_on__isnull", True), ("ends_on__gte", models.F("starts_on")), _connector="OR"),
                name="schedule_dates_in_order",
            ),
        ),
        migrations.AddIndex(
            model_name="activitysession",
            index=models.Index(fields=["date", "activity"], name="session_day"),
        ),
        migrations.AddConstraint(
            model_name="activitysession",
            constraint=models.UniqueConstraint(fields=("schedule", "date"), name="session_once_per_schedule_day"),
        ),
        migrations.AddConstraint(
            model_name="activitysession",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_at__gt", models.F("starts_at"))), name="session_ends_after_start"
            ),
        ),
        migrations.AddIndex(
            model_name="allocation",
            index=models.Index(fields=["activity", "starts_on"], name="allocation_activity"),
        ),
        migrations.AddConstraint(
            model_name="allocation",
            constraint=models.UniqueConstraint(
                fields=("person", "activity", "starts_on"), name="allocation_once_per_start"
            ),
        ),
        migrations.AddConstraint(
            model_name="allocation",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_on__isnull", True), ("ends_on__gte", models.F("starts_on")), _connector="OR"),
                name="allocation_dates_in_order",
            ),
        ),
        migrations.AddIndex(
            model_name="attendancerecord",
            index=models.Index(fields=["person", "code"], name="attendance_person"),
        ),
        migrations.AddConstraint(
            model_name="attendancerecord",
            constraint=models.UniqueConstraint(fields=("session", "person"), name="attendance_once_per_session"),
        ),
        migrations.AddConstraint(
            model_name="attendancerecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("code__in", ["REFUSED", "OTHER"]), _negated=True),
                    models.Q(("comment", ""), _negated=True),
                    _connector="OR",
                ),
                name="attendance_comment_when_needed",
            ),
        ),
    ]
