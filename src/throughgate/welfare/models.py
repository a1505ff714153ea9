"""AIM records: flags (one per person per scoring day), what staff did about them (triage), follow-up reviews,
per-establishment settings with their change history, and scoring runs (for the realised alert rates)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from throughgate.identity.models import Establishment
from throughgate.people.models import Person


class Colour(models.TextChoices):
    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")
    INSUFFICIENT = "insufficient_data", _("Insufficient data")


# Sort order on the daily list: red first, then amber, insufficient data, green.
COLOUR_ORDER = {Colour.RED: 0, Colour.AMBER: 1, Colour.INSUFFICIENT: 2, Colour.GREEN: 3}


class ScoreRun(models.Model):
    """One scoring of one establishment for one day: how many people were scored and how many were flagged."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="aim_runs")
    as_of = models.DateField()
    scored_at = models.DateTimeField(default=timezone.now)
    people = models.PositiveIntegerField(default=0)
    red = models.PositiveIntegerField(default=0)
    amber = models.PositiveIntegerField(default=0)
    insufficient = models.PositiveIntegerField(default=0)
    raised_red = models.PositiveIntegerField(default=0, help_text="Red alerts raised that day (new or escalated).")
    raised_amber = models.PositiveIntegerField(default=0, help_text="Amber alerts raised that day.")
    settings_snapshot = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-as_of"]
        constraints = [models.UniqueConstraint(fields=["establishment", "as_of"], name="aim_one_run_per_day")]

    def __str__(self) -> str:
        return f"AIM {self.establishment_id} {self.as_of}"


class Flag(models.Model):
    """AIM's view of one person on one day: a colour, a score and the reasons in plain words. It suggests; staff
    decide (see Triage)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="aim_flags")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="aim_flags")
    wing = models.CharField(max_length=40, blank=True)
    as_of = models.DateField(db_index=True)
    colour = models.CharField(max_length=20, choices=Colour.choices)
    score = models.FloatField(default=0.0)
    reasons = models.JSONField(default=list, blank=True)
    indicators = models.JSONField(default=dict, blank=True, help_text="Recent and usual figures per indicator.")
    raised = models.CharField(
        max_length=20, blank=True, help_text="The colour of an alert raised this day (new or escalated), if any."
    )
    alert_since = models.DateField(null=True, blank=True, help_text="The day the open alert was first raised.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-as_of", "-score"]
        constraints = [models.UniqueConstraint(fields=["person", "as_of"], name="aim_one_flag_per_person_day")]
        indexes = [models.Index(fields=["establishment", "as_of", "colour"], name="aim_flag_estab_day")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.as_of} {self.colour}"


class TriageAction(models.TextChoices):
    SPOKE = "spoke", _("Spoke to the person")
    KEY_WORKER = "key_worker", _("Key worker session")
    HEALTHCARE = "healthcare", _("Healthcare referral")
    CONCERN_KEEP_SAFE = "concern_keep_safe", _("Raised a Concern and Keep Safe form in the case system")
    CSIP_REFERRAL = "csip_referral", _("CSIP referral")
    NO_CONCERN = "no_concern", _("No concern")


class Triage(models.Model):
    """What a named member of staff did about a flag, when, and why. AIM never opens an ACCT or CSIP itself."""

    flag = models.ForeignKey(Flag, on_delete=models.PROTECT, related_name="triages")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    by_username = models.CharField(max_length=150)
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20, choices=TriageAction.choices)
    note = models.TextField(max_length=2000, blank=True)
    review_on = models.DateField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by_username = models.CharField(max_length=150, blank=True)
    review_note = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["review_on", "reviewed_at"], name="aim_triage_review")]

    def __str__(self) -> str:
        return f"{self.flag_id} {self.action} by {self.by_username}"


class AimSettings(models.Model):
    """Thresholds and weights for one establishment, set by the safer custody lead. Every change is kept in
    SettingsChange and the audit log."""

    establishment = models.OneToOneField(Establishment, on_delete=models.PROTECT, related_name="aim_settings")
    amber_threshold = models.FloatField()
    red_threshold = models.FloatField()
    red_budget_per_100 = models.FloatField()
    amber_budget_per_100 = models.FloatField()
    weights = models.JSONField(default=dict, blank=True)
    cooldown_days = models.PositiveSmallIntegerField(default=7)
    quiet_days = models.PositiveSmallIntegerField(default=28)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by_username = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name_plural = "AIM settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(red_threshold__gt=models.F("amber_threshold")), name="aim_red_above_amber"
            ),
            models.CheckConstraint(condition=models.Q(amber_threshold__gt=0), name="aim_amber_positive"),
        ]

    def __str__(self) -> str:
        return f"AIM settings {self.establishment_id}"


class SettingsChange(models.Model):
    """One change to an establishment's AIM settings: who, when, before and after, and why."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="aim_settings_changes")
    at = models.DateTimeField(default=timezone.now)
    by_username = models.CharField(max_length=150)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.establishment_id} {self.at:%Y-%m-%d} {self.by_username}"


class TriggerKind(models.TextChoices):
    ANNIVERSARY = "anniversary", _("Anniversary (for example of a death in the family)")
    COURT = "court", _("Court date")


class TriggerDate(models.Model):
    """A date that may weigh on a person, recorded by staff: an anniversary (every year) or a court date (once).
    Around it AIM reads any change in routine with more weight; a date alone never raises an alert."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="aim_trigger_dates")
    kind = models.CharField(max_length=20, choices=TriggerKind.choices)
    on = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    recorded_by_username = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.on}"
