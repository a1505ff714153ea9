"""Content and notices: the content library per establishment, recorded group sessions, wing and estate notices.

A ``ContentItem`` is a text article, a PDF, an audio recording (with a transcript) or a video (with a WebVTT caption
file). Its audience is the library of one establishment (or of every establishment: no establishment), one wing, or
a named group of people (a recorded group session). Files are kept with Django's storage API and served only by the
self-service views, which check who may see them. A ``ContentView`` counts the opens of one person in one hour.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from throughgate.identity.models import Establishment, Location
from throughgate.people.models import Person

__all__ = [
    "ContentAudience",
    "ContentCategory",
    "ContentItem",
    "ContentKind",
    "ContentLanguage",
    "ContentStatus",
    "ContentView",
    "Notice",
]


class ContentKind(models.TextChoices):
    TEXT = "text", _("Article")
    PDF = "pdf", _("PDF document")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")


class ContentCategory(models.TextChoices):
    EDUCATION = "education", _("Learning")
    FAITH = "faith", _("Faith")
    HEALTH = "health", _("Health")
    INDUCTION = "induction", _("New here")
    RESETTLEMENT = "resettlement", _("Getting ready to leave")
    WELLBEING = "wellbeing", _("Feeling well")


class ContentLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    WELSH = "cy", _("Welsh")
    OTHER = "other", _("Another language")


class ContentAudience(models.TextChoices):
    LIBRARY = "library", _("Library")
    WING = "wing", _("One wing")
    GROUP = "group", _("A named group")


class ContentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def upload_path(instance: ContentItem, filename: str) -> str:
    """Files of one establishment together; the stored name is random (the person's file name is kept apart)."""
    import uuid

    place = instance.establishment.code if instance.establishment_id else "all"  # type: ignore[union-attr]
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"content/{place}/{uuid.uuid4().hex}.{suffix[:5]}"


class ContentItem(models.Model):
    """One thing to read, watch or listen to: in an establishment's library (or every library), or a recording of a
    group session for one wing or a named group of people."""

    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="content_items",
        help_text="Empty: in the library of every establishment.",
    )
    audience = models.CharField(max_length=8, choices=ContentAudience.choices, default=ContentAudience.LIBRARY)
    wing = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    group_name = models.CharField(max_length=100, blank=True)
    members = models.ManyToManyField(Person, blank=True, related_name="group_recordings")
    session_on = models.DateField(null=True, blank=True, help_text="When the recorded session took place.")
    kind = models.CharField(max_length=5, choices=ContentKind.choices)
    category = models.CharField(max_length=12, choices=ContentCategory.choices)
    language = models.CharField(max_length=5, choices=ContentLanguage.choices, default=ContentLanguage.ENGLISH)
    language_name = models.CharField(max_length=40, blank=True, help_text="The language, when it is another one.")
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True, help_text="The text of an article.")
    transcript = models.TextField(blank=True, help_text="What is said in an audio recording (or a video).")
    file = models.FileField(upload_to=upload_path, blank=True, max_length=200)
    file_type = models.CharField(max_length=60, blank=True, help_text="Found by reading the file, not its name.")
    file_size = models.PositiveBigIntegerField(default=0)
    file_name = models.CharField(max_length=120, blank=True, help_text="The name of the file as uploaded.")
    captions = models.FileField(upload_to=upload_path, blank=True, max_length=200)
    status = models.CharField(max_length=10, choices=ContentStatus.choices, default=ContentStatus.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_by_name = models.CharField(max_length=150, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by_name = models.CharField(max_length=150, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience="library", wing__isnull=True)
                | Q(audience="wing", wing__isnull=False, establishment__isnull=False)
                | Q(audience="group", wing__isnull=True, establishment__isnull=False),
                name="content_audience_fits",
            ),
            models.CheckConstraint(
                condition=Q(kind="text") & ~Q(body="") | Q(kind__in=["pdf", "audio", "video"]) & ~Q(file=""),
                name="content_has_its_text_or_file",
            ),
            models.CheckConstraint(condition=~Q(kind="video") | ~Q(captions=""), name="content_video_has_captions"),
            models.CheckConstraint(condition=~Q(kind="audio") | ~Q(transcript=""), name="content_audio_has_transcript"),
            models.CheckConstraint(
                condition=Q(status="published", published_at__isnull=False) | ~Q(status="published"),
                name="content_published_has_a_time",
            ),
        ]
        indexes = [models.Index(fields=["establishment", "status", "audience"], name="content_shelf")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ContentStatus.PUBLISHED

    @property
    def is_recording(self) -> bool:
        return self.audience in (ContentAudience.WING, ContentAudience.GROUP)

    @property
    def language_label(self) -> str:
        if self.language == ContentLanguage.OTHER and self.language_name:
            return self.language_name
        return str(ContentLanguage(self.language).label)

    @property
    def size_label(self) -> str:
        size = self.file_size
        if size >= 1024 * 1024:
            return f"{size / (1024 * 1024):.1f} MB"
        return f"{max(1, round(size / 1024))} KB"


class ContentView(models.Model):
    """How often one person opened one item in one hour. The first open of the hour is the activity event; the
    others only add to ``opens``, so re-opening an item does not flood the activity stream."""

    item = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="views")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="content_views")
    hour = models.DateTimeField(help_text="The start of the hour (UTC).")
    opens = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-hour"]
        constraints = [
            models.UniqueConstraint(fields=["item", "person", "hour"], name="content_view_once_an_hour"),
            models.CheckConstraint(condition=Q(opens__gte=1), name="content_view_opens_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} by {self.person_id} at {self.hour:%Y-%m-%d %H}:00"


class Notice(models.Model):
    """A notice for one wing or a whole establishment, shown to residents from ``starts_on`` to ``ends_on``."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="notices")
    wing = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="Empty: everyone."
    )
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=2000)
    title_cy = models.CharField("title in Welsh", max_length=120, blank=True)
    body_cy = models.TextField("text in Welsh", max_length=2000, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by_name = models.CharField(max_length=150, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by_name = models.CharField(max_length=150, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-starts_on", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="notice_ends_after_start"),
        ]
        indexes = [models.Index(fields=["establishment", "starts_on", "ends_on"], name="notice_board")]

    def __str__(self) -> str:
        return self.title

    def _welsh(self) -> bool:
        return (get_language() or "").startswith("cy")

    @property
    def display_title(self) -> str:
        return self.title_cy if self.title_cy and self._welsh() else self.title

    @property
    def display_body(self) -> str:
        return self.body_cy if self.body_cy and self._welsh() else self.body

    def is_showing(self, day: object = None) -> bool:
        today = day or timezone.localdate()
        return self.withdrawn_at is None and self.starts_on <= today <= self.ends_on  # type: ignore[operator]
