"""Records received from other agencies, one person-link table across them with provenance, and its decisions.

Nothing here merges or deletes a record: a link only says that two records (a prison number and a CRN, or a prison
number and an NHS number) are the same person, how sure the model was, why, and who decided."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.TextChoices):
    PROBATION = "probation", _("Probation (CRN)")
    HEALTH = "health", _("Health (NHS number)")


class AgencyRecord(models.Model):
    """A person's record as another agency's system holds it (as received, spelling and all)."""

    agency = models.CharField(max_length=12, choices=Agency.choices)
    record_id = models.CharField(max_length=20, help_text="CRN for probation, NHS number for health")
    given_name = models.CharField(max_length=60, blank=True)
    family_name = models.CharField(max_length=60, blank=True)
    date_of_birth = models.CharField(max_length=10, blank=True, help_text="ISO date as received (may be mistyped)")
    sex = models.CharField(max_length=1, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    pnc_id = models.CharField(max_length=13, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    received_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency", "record_id"]
        constraints = [models.UniqueConstraint(fields=["agency", "record_id"], name="agency_record_unique")]

    def __str__(self) -> str:
        return f"{self.get_agency_display()} {self.record_id}"


class LinkRun(models.Model):
    """One linkage run: when, by whom, the trained model (Splink JSON) and what it found."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    by_username = models.CharField(max_length=150, blank=True)
    model = models.JSONField(default=dict, help_text="The trained model of each agency, by agency")
    counts = models.JSONField(default=dict)
    auto_link_threshold = models.FloatField()
    review_threshold = models.FloatField()

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Linkage run {self.pk} ({self.started_at:%Y-%m-%d %H:%M})"


class LinkStatus(models.TextChoices):
    AUTO_LINKED = "auto_linked", _("Linked automatically")
    AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
    CONFIRMED = "confirmed", _("Confirmed by a person")
    REJECTED = "rejected", _("Rejected by a person")
    WITHDRAWN = "withdrawn", _("No longer suggested")


#: Statuses a person set: a later run never changes them.
DECIDED = (LinkStatus.CONFIRMED, LinkStatus.REJECTED)


class PersonLink(models.Model):
    """A prison record and another agency's record that the model says are the same person."""

    prison_number = models.CharField(max_length=7)
    agency = models.CharField(max_length=12, choices=Agency.choices)
    record_id = models.CharField(max_length=20)
    status = models.CharField(max_length=16, choices=LinkStatus.choices)
    match_probability = models.FloatField()
    match_weight = models.FloatField()
    reasons = models.JSONField(default=list, help_text="Per comparison: what agreed and its match weight")
    first_run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="+")
    last_run = models.ForeignKey(LinkRun, on_delete=models.PROTECT, related_name="links")
    decided_by_username = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-match_probability", "prison_number"]
        constraints = [
            models.UniqueConstraint(fields=["prison_number", "agency", "record_id"], name="person_link_unique"),
            models.CheckConstraint(
                condition=models.Q(match_probability__gte=0) & models.Q(match_probability__lte=1),
                name="person_link_probability_0_1",
            ),
        ]
        indexes = [models.Index(fields=["status", "prison_number"], name="person_link_status")]

    def __str__(self) -> str:
        return f"{self.prison_number} ~ {self.agency} {self.record_id}"

    @property
    def decided(self) -> bool:
        return self.status in DECIDED


class DecisionAction(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    UNDONE = "undone", _("Undone")


class LinkDecision(models.Model):
    """The history of what people decided about a link (append-only: an undo is a new row)."""

    link = models.ForeignKey(PersonLink, on_delete=models.PROTECT, related_name="decisions")
    action = models.CharField(max_length=10, choices=DecisionAction.choices)
    from_status = models.CharField(max_length=16, choices=LinkStatus.choices)
    to_status = models.CharField(max_length=16, choices=LinkStatus.choices)
    by_username = models.CharField(max_length=150)
    at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.link} {self.action} by {self.by_username}"
