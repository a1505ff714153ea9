"""People in custody and their bookings, movements, alerts and staff caseloads."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from throughgate.core.validators import validate_crn, validate_nhs_number, validate_pnc_id, validate_prison_number
from throughgate.identity.models import Establishment, Location


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Ethnicity(models.TextChoices):
    """The five top-level groups of the England and Wales census, as AIM's fairness audit reports them."""

    WHITE = "White", _("White")
    BLACK = "Black", _("Black, Black British, Caribbean or African")
    ASIAN = "Asian", _("Asian or Asian British")
    MIXED = "Mixed", _("Mixed or multiple ethnic groups")
    OTHER = "Other", _("Other ethnic group")


class Nationality(models.TextChoices):
    BRITISH = "British", _("British")
    FOREIGN = "Foreign", _("Foreign national")


class IncentiveLevel(models.TextChoices):
    BASIC = "Basic", _("Basic")
    STANDARD = "Standard", _("Standard")
    ENHANCED = "Enhanced", _("Enhanced")


class LegalStatus(models.TextChoices):
    REMAND = "remand", _("Remand")
    SENTENCED = "sentenced", _("Sentenced")


class Person(models.Model):
    """A person in custody (or released). Identified for life by their prison number."""

    prison_number = models.CharField(max_length=7, unique=True, validators=[validate_prison_number])
    first_name = models.CharField(max_length=60)
    last_name = models.CharField(max_length=60)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(max_length=10, choices=Ethnicity.choices)
    nationality = models.CharField(max_length=10, choices=Nationality.choices, default=Nationality.BRITISH)
    first_language = models.CharField(max_length=40, default="English")
    religion = models.CharField(max_length=40, blank=True)
    disability = models.BooleanField(default=False)
    incentive_level = models.CharField(max_length=10, choices=IncentiveLevel.choices, default=IncentiveLevel.STANDARD)
    establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="people")
    arrival_date = models.DateField(null=True, blank=True)
    release_date = models.DateField(null=True, blank=True, help_text="Left custody on this day (none while held).")
    legal_status = models.CharField(max_length=10, choices=LegalStatus.choices, default=LegalStatus.SENTENCED)
    first_time_in_custody = models.BooleanField(default=False)
    self_harm_history = models.BooleanField(default=False, help_text="Self-harm before or in custody.")
    crn = models.CharField("CRN", max_length=7, blank=True, validators=[validate_crn])
    pnc_id = models.CharField("PNC ID", max_length=13, blank=True, validators=[validate_pnc_id])
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, validators=[validate_nhs_number])
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(prison_number__regex=r"^[A-Z][0-9]{4}[A-Z]{2}$"), name="prison_number_format"
            ),
        ]
        indexes = [models.Index(fields=["establishment", "last_name"], name="person_estab_name")]

    def __str__(self) -> str:
        return f"{self.last_name.upper()}, {self.first_name} ({self.prison_number})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Booking(models.Model):
    """One period in custody. A person can have several over the years; at most one is open."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="bookings")
    booking_number = models.CharField(max_length=12, unique=True)
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="bookings")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(end_date__isnull=True), name="one_open_booking"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="booking_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.booking_number


class MovementKind(models.TextChoices):
    ADMISSION = "ADM", _("Admission")
    TRANSFER = "TRN", _("Transfer")
    RELEASE = "REL", _("Release")
    COURT = "CRT", _("Court")
    CELL_MOVE = "CELL", _("Cell move")


class Movement(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(max_length=4, choices=MovementKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    from_establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    to_location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["person", "occurred_at"], name="movement_person_time")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.occurred_at:%Y-%m-%d}"


# Alert codes (a subset of the NOMIS alert code list relevant here; see shared/DOMAIN.md).
ALERT_CODES: dict[str, str] = {
    "HA": "ACCT open",
    "HA1": "ACCT post-closure",
    "HA2": "ACCT closed",
    "HC": "Self-harm in custody",
    "CSIP": "CSIP open",
    "XSA": "Staff assaulter",
    "XEL": "Escape list",
    "PEEP": "Personal emergency evacuation plan",
    "RNO121": "No one-to-one with this person",
    "XCU": "Controlled unlock",
    "PVN": "Public protection: no internet",
    "XCYB": "Cyber-crime risk",
}


class Alert(models.Model):
    """A coded flag on a person, active from a date until an optional end date."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="alerts")
    code = models.CharField(max_length=8, choices=[(code, f"{code}: {label}") for code, label in ALERT_CODES.items()])
    comment = models.CharField(max_length=500, blank=True)
    active_from = models.DateField()
    active_to = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-active_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active_to__isnull=True) | models.Q(active_to__gte=models.F("active_from")),
                name="alert_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.person_id})"

    @property
    def description(self) -> str:
        return ALERT_CODES.get(self.code, self.code)

    def is_active_on(self, day: date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


class CaseloadKind(models.TextChoices):
    KEY_WORKER = "key_worker", _("Key worker")
    POM = "pom", _("Prison offender manager")
    PROBATION = "probation", _("Probation practitioner")


class CaseloadEntry(models.Model):
    """A staff member's caseload: the people they are assigned to as key worker, POM or practitioner. It lives
    here, not in identity, because it points at people (see docs/adr/0003-caseloads-in-people.md)."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caseload")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="caseload_entries")
    kind = models.CharField(max_length=12, choices=CaseloadKind.choices)
    since = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["staff", "person", "kind"], name="one_caseload_entry")]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.kind} {self.person_id}"
