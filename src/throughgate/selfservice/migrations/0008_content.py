# Content and notices: the content library (with recorded group sessions), view counts, wing and estate notices.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import throughgate.selfservice.content.models


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0001_initial"),
        ("people", "0001_initial"),
        ("selfservice", "0007_timetable"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentItem",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "audience",
                    models.CharField(
                        choices=[("library", "Library"), ("wing", "One wing"), ("group", "A named group")],
                        default="library",
                        max_length=8,
                    ),
                ),
                ("group_name", models.CharField(blank=True, max_length=100)),
                (
                    "session_on",
                    models.DateField(blank=True, help_text="When the recorded session took place.", null=True),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("text", "Article"), ("pdf", "PDF document"), ("audio", "Audio"), ("video", "Video")],
                        max_length=5,
                    ),
                ),
                (
                    "category",
                    models.CharField(
                        choices=[
                            ("education", "Learning"),
                            ("faith", "Faith"),
                            ("health", "Health"),
                            ("induction", "New here"),
                            ("resettlement", "Getting ready to leave"),
                            ("wellbeing", "Feeling well"),
                        ],
                        max_length=12,
                    ),
                ),
                (
                    "language",
                    models.CharField(
                        choices=[("en", "English"), ("cy", "Welsh"), ("other", "Another language")],
                        default="en",
                        max_length=5,
                    ),
                ),
                (
                    "language_name",
                    models.CharField(blank=True, help_text="The language, when it is another one.", max_length=40),
                ),
                ("title", models.CharField(max_length=120)),
                ("summary", models.CharField(blank=True, max_length=300)),
                ("body", models.TextField(blank=True, help_text="The text of an article.")),
                (
                    "transcript",
                    models.TextField(blank=True, help_text="What is said in an audio recording (or a video)."),
                ),
                (
                    "file",
                    models.FileField(
                        blank=True, max_length=200, upload_to=throughgate.selfservice.content.models.upload_path
                    ),
                ),
                (
                    "file_type",
                    models.CharField(blank=True, help_text="Found by reading the file, not its name.", max_length=60),
                ),
                ("file_size", models.PositiveBigIntegerField(default=0)),
                (
                    "file_name",
                    models.CharField(blank=True, help_text="The name of the file as uploaded.", max_length=120),
                ),
                (
                    "captions",
                    models.FileField(
                        blank=True, max_length=200, upload_to=throughgate.selfservice.content.models.upload_path
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("published", "Published"), ("withdrawn", "Withdrawn")],
                        default="draft",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("published_at", models.DateTimeField(blank=True, null=True)),
                ("published_by_name", models.CharField(blank=True, max_length=150)),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                ("withdrawn_by_name", models.CharField(blank=True, max_length=150)),
                ("idempotency_key", models.CharField(blank=True, max_length=100, null=True, unique=True)),
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
                        blank=True,
                        help_text="Empty: in the library of every establishment.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="content_items",
                        to="identity.establishment",
                    ),
                ),
                ("members", models.ManyToManyField(blank=True, related_name="group_recordings", to="people.person")),
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
                (
                    "wing",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="identity.location",
                    ),
                ),
            ],
            options={
                "ordering": ["-published_at", "-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ContentView",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("hour", models.DateTimeField(help_text="The start of the hour (UTC).")),
                ("opens", models.PositiveIntegerField(default=1)),
                (
                    "item",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="views", to="selfservice.contentitem"
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="content_views", to="people.person"
                    ),
                ),
            ],
            options={
                "ordering": ["-hour"],
            },
        ),
        migrations.CreateModel(
            name="Notice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=120)),
                ("body", models.TextField(max_length=2000)),
                ("title_cy", models.CharField(blank=True, max_length=120, verbose_name="title in Welsh")),
                ("body_cy", models.TextField(blank=True, max_length=2000, verbose_name="text in Welsh")),
                ("starts_on", models.DateField()),
                ("ends_on", models.DateField()),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("created_by_name", models.CharField(blank=True, max_length=150)),
                ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("updated_by_name", models.CharField(blank=True, max_length=150)),
                ("withdrawn_at", models.DateTimeField(blank=True, null=True)),
                ("withdrawn_by_name", models.CharField(blank=True, max_length=150)),
                ("idempotency_key", models.CharField(blank=True, max_length=100, null=True, unique=True)),
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
                        on_delete=django.db.models.deletion.PROTECT, related_name="notices", to="identity.establishment"
                    ),
                ),
                (
                    "wing",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty: everyone.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="identity.location",
                    ),
                ),
            ],
            options={
                "ordering": ["-starts_on", "-created_at", "-id"],
            },
        ),
        migrations.AddIndex(
            model_name="contentitem",
            index=models.Index(fields=["establishment", "status", "audience"], name="content_shelf"),
        ),
        migrations.AddConstraint(
            model_name="contentitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("audience", "library"), ("wing__isnull", True)),
                    models.Q(("audience", "wing"), ("establishment__isnull", False), ("wing__isnull", False)),
                    models.Q(("audience", "group"), ("establishment__isnull", False), ("wing__isnull", True)),
                    _connector="OR",
                ),
                name="content_audience_fits",
            ),
        ),
        migrations.AddConstraint(
            model_name="contentitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "text"), models.Q(("body", ""), _negated=True)),
                    models.Q(("kind__in", ["pdf", "audio", "video"]), models.Q(("file", ""), _negated=True)),
                    _connector="OR",
                ),
                name="content_has_its_text_or_file",
            ),
        ),
        migrations.AddConstraint(
            model_name="contentitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "video"), _negated=True),
                    models.Q(("captions", ""), _negated=True),
                    _connector="OR",
                ),
                name="content_video_has_captions",
            ),
        ),
        migrations.AddConstraint(
            model_name="contentitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "audio"), _negated=True),
                    models.Q(("transcript", ""), _negated=True),
                    _connector="OR",
                ),
                name="content_audio_has_transcript",
            ),
        ),
        migrations.AddConstraint(
            model_name="contentitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("published_at__isnull", False), ("status", "published")),
                    models.Q(("status", "published"), _negated=True),
                    _connector="OR",
                ),
                name="content_published_has_a_time",
            ),
        ),
        migrations.AddConstraint(
            model_name="contentview",
            constraint=models.UniqueConstraint(fields=("item", "person", "hour"), name="content_view_once_an_hour"),
        ),
        migrations.AddConstraint(
            model_name="contentview",
            constraint=models.CheckConstraint(
                condition=models.Q(("opens__gte", 1)), name="content_view_opens_positive"
            ),
        ),
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(fields=["establishment", "starts_on", "ends_on"], name="notice_board"),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.CheckConstraint(
                condition=models.Q(("ends_on__gte", models.F("starts_on"))), name="notice_ends_after_start"
            ),
        ),
    ]
