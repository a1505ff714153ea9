"""Internet access: the site catalogue and residents' requests, per-establishment policy (level categories, time
windows), sanctions, the network device registry with its address leases, policy version counters, hourly usage,
and unapproved devices seen on the network."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from throughgate.identity.models import Establishment, Location, RegisteredDevice
from throughgate.people.models import IncentiveLevel, Person


class Category(models.TextChoices):
    EDUCATION = "education", _("Learning")
    EMPLOYMENT = "employment", _("Job search")
    LEGAL = "legal", _("Legal help")
    HEALTH = "health", _("Health")
    GOVERNMENT = "government", _("Government services")
    FAMILY_LEARNING = "family_learning", _("Family learning")
    RESETTLEMENT = "resettlement", _("Housing, money and resettlement")


class Risk(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class AccessGroup(models.Model):
    """A group of people some sites are limited to (e.g. Open University students, people close to release)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    members = models.ManyToManyField(Person, blank=True, related_name="access_groups")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """An approved site: a domain (with or without its subdomains) and optionally a path prefix."""

    name = models.CharField(max_length=200)
    domain = models.CharField(max_length=253, help_text="Host name, e.g. nationalcareers.service.gov.uk")
    include_subdomains = models.BooleanField(default=True)
    path_prefix = models.CharField(max_length=200, blank=True, help_text="Only this part of the site, e.g. /jobs")
    category = models.CharField(max_length=20, choices=Category.choices)
    risk = models.PositiveSmallIntegerField(choices=Risk.choices, default=Risk.LOW)
    groups = models.ManyToManyField(AccessGroup, blank=True, related_name="sites")
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["domain", "path_prefix"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "path_prefix"], name="access_site_unique_domain_prefix"),
            models.CheckConstraint(condition=models.Q(domain=Lower("domain")), name="site_domain_lower"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}{self.path_prefix}"


class RequestStatus(models.TextChoices):
    NEW = "NEW", _("Waiting for review")
    APPROVED = "APPROVED", _("Approved")
    DECLINED = "DECLINED", _("Declined")


class SiteRequest(models.Model):
    """A resident asks for a site to be added; security staff approve (adding it to the catalogue) or decline."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="site_requests")
    address = models.CharField(max_length=300)
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.NEW)
    submitted_at = models.DateTimeField(default=timezone.now)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001  (NULL: no key, unique per person)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.CharField(max_length=500, blank=True)
    site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests")

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "idempotency_key"], name="one_site_request_per_person_and_key")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.address} ({self.status})"


class LevelAccess(models.Model):
    """Which categories an incentive level opens in one establishment, and the highest site risk it allows."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="level_access")
    level = models.CharField(max_length=10, choices=IncentiveLevel.choices)
    categories = models.JSONField(default=list)
    max_risk = models.PositiveSmallIntegerField(choices=Risk.choices, default=Risk.LOW)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["establishment", "level"], name="one_level_access_per_level")]

    def __str__(self) -> str:
        return f"{self.establishment_id} {self.level}"


class WindowKind(models.TextChoices):
    OPEN = "open", _("Internet open")
    CLOSED = "closed", _("Internet closed (e.g. roll check)")


class AccessWindow(models.Model):
    """A weekly time window in the establishment's local time. Access needs an open window and no closed one."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="access_windows")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=6, choices=WindowKind.choices, default=WindowKind.OPEN)
    days = models.JSONField(default=list, help_text="Days of the week, 0 = Monday ... 6 = Sunday")
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["establishment", "starts"]
        constraints = [models.CheckConstraint(condition=models.Q(ends__gt=models.F("starts")), name="window_order")]

    def __str__(self) -> str:
        return f"{self.name} {self.starts:%H:%M}-{self.ends:%H:%M}"


class Sanction(models.Model):
    """A time-bounded suspension of a person's internet access, imposed by an authorised officer with a reason."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="internet_sanctions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=500)
    imposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imposed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lift_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="sanction_order")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.starts_at:%Y-%m-%d} to {self.ends_at:%Y-%m-%d}"


class DeviceKind(models.TextChoices):
    KIOSK = "kiosk", _("Wing kiosk")
    LAPTOP = "laptop", _("In-cell laptop")
    TABLET = "tablet", _("Tablet")


class DeviceStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    ISSUED = "issued", _("Issued")
    SUSPENDED = "suspended", _("Suspended")
    LOST = "lost", _("Lost")
    RETIRED = "retired", _("Retired")


class NetworkDevice(models.Model):
    """A designated device on the prison network, known by serial number and MAC address."""

    serial = models.CharField(max_length=60, unique=True)
    mac = models.CharField(max_length=17, unique=True, help_text="aa:bb:cc:dd:ee:ff")
    kind = models.CharField(max_length=8, choices=DeviceKind.choices)
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="network_devices")
    status = models.CharField(max_length=10, choices=DeviceStatus.choices, default=DeviceStatus.IN_STOCK)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="network_devices")
    location = models.ForeignKey(
        Location,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="network_devices",
        help_text="The cell (or wing, for a kiosk) the device is issued to.",
    )
    kiosk = models.ForeignKey(
        RegisteredDevice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="network_devices",
        help_text="The kiosk sign-in registration of the same machine, if any.",
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)
    last_ip = models.GenericIPAddressField(null=True, blank=True)
    last_nas = models.CharField(max_length=100, blank=True, help_text="Access point or switch it last joined")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["serial"]
        constraints = [
            models.CheckConstraint(condition=models.Q(mac__regex=r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$"), name="mac_format"),
            models.CheckConstraint(
                condition=~models.Q(status="issued")
                | models.Q(person__isnull=False)
                | models.Q(location__isnull=False),
                name="issued_device_has_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.serial}"


class DeviceAddress(models.Model):
    """The IP address a device holds now, from RADIUS accounting (start/interim-update; stop removes it)."""

    ip = models.GenericIPAddressField(unique=True)
    device = models.ForeignKey(NetworkDevice, on_delete=models.CASCADE, related_name="addresses")
    session_id = models.CharField(max_length=100, blank=True)
    nas = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.ip} -> {self.device_id}"


class PolicyVersion(models.Model):
    """A counter per snapshot section ("catalogue", "policy"), moved on in the same transaction as any change, so
    the Squid helper knows when to rebuild its snapshot."""

    section = models.CharField(max_length=20, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.section} v{self.version}"


class Outcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    DENIED = "denied", _("Denied")


class InternetUsage(models.Model):
    """Decisions counted per person, hour, outcome and category (and the top site). Finished hours become one
    activity event each (``emitted``)."""

    person = models.CharField(max_length=16)
    establishment = models.CharField(max_length=3, blank=True)
    hour = models.DateTimeField()
    outcome = models.CharField(max_length=7, choices=Outcome.choices)
    category = models.CharField(max_length=20, blank=True)
    count = models.PositiveIntegerField(default=0)
    sites = models.JSONField(default=dict, blank=True, help_text="Requests per host (for monitoring)")
    outside_hours = models.PositiveIntegerField(default=0)
    emitted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "hour", "outcome", "category"], name="one_usage_row_per_hour")
        ]
        indexes = [models.Index(fields=["establishment", "hour"], name="usage_estab_hour")]

    def __str__(self) -> str:
        return f"{self.person} {self.hour:%Y-%m-%d %H}h {self.outcome} {self.category} x{self.count}"


class ObservationKind(models.TextChoices):
    ROGUE_AP = "rogue_ap", _("Rogue access point")
    UNKNOWN_CLIENT = "unknown_client", _("Unknown device")
    SPOOFED_SSID = "spoofed_ssid", _("Access point copying our network name")


class ObservationStatus(models.TextChoices):
    NEW = "new", _("New")
    INVESTIGATING = "investigating", _("Investigating")
    SEARCHING = "searching", _("Search for the device")
    ALLOW_LISTED = "allow_listed", _("Known neighbour (allowed)")
    FALSE_POSITIVE = "false_positive", _("False positive")
    MITIGATED = "mitigated", _("Dealt with")


class UnapprovedDevice(models.Model):
    """A device seen on or near the prison network that is not in the registry, deduplicated by MAC or BSSID."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="unapproved_devices")
    mac = models.CharField(max_length=17)
    kind = models.CharField(max_length=16, choices=ObservationKind.choices)
    randomised = models.BooleanField(default=False, help_text="Locally administered (randomised) MAC address")
    group_key = models.CharField(
        max_length=120,
        blank=True,
        db_index=True,
        help_text="For randomised MACs: what ties addresses of one device together (probe fingerprint, probed "
        "network names, beaconed name, the rogue it joined); empty when nothing does",
    )
    ssid = models.CharField(max_length=64, blank=True)
    location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    where = models.CharField(max_length=100, blank=True, help_text="Sensor or access point that saw it")
    sources = models.JSONField(default=list)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    sightings = models.PositiveIntegerField(default=1)
    signal_dbm = models.SmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=ObservationStatus.choices, default=ObservationStatus.NEW)
    blocked = models.BooleanField(default=False, help_text="Refused at RADIUS even if the MAC is registered")
    mitigation = models.CharField(max_length=40, blank=True)
    mitigated_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-last_seen"]
        constraints = [models.UniqueConstraint(fields=["establishment", "mac", "kind"], name="one_observation_per_mac")]

    def __str__(self) -> str:
        return f"{self.kind} {self.mac}"

    @property
    def seconds_to_mitigation(self) -> float | None:
        if self.mitigated_at is None:
            return None
        return (self.mitigated_at - self.first_seen).total_seconds()


class DeviceInTwoPlaces(models.Model):
    """A device seen on two wings within a minute: a cloned MAC address, or a device passed between wings."""

    device = models.ForeignKey(NetworkDevice, on_delete=models.CASCADE, related_name="two_place_sightings")
    first_wing = models.CharField(max_length=40)
    second_wing = models.CharField(max_length=40)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.device_id} {self.first_wing} / {self.second_wing}"


class EstablishmentNetwork(models.Model):
    """Network settings of an establishment: VLAN per device kind, the quarantine VLAN, Wi-Fi names."""

    establishment = models.OneToOneField(Establishment, on_delete=models.CASCADE, related_name="network")
    kiosk_vlan = models.CharField(max_length=10, default="30")
    laptop_vlan = models.CharField(max_length=10, default="40")
    tablet_vlan = models.CharField(max_length=10, default="41")
    quarantine_vlan = models.CharField(max_length=10, default="999", blank=True, help_text="Empty: reject instead")
    ssids = models.JSONField(default=list, blank=True, help_text="Our own Wi-Fi network names")
    allowed_neighbours = models.JSONField(default=list, blank=True, help_text="Known neighbouring BSSIDs")
    nas_wings = models.JSONField(
        default=dict, blank=True, help_text="Access point or switch (NAS-Identifier) -> the wing it serves"
    )

    def __str__(self) -> str:
        return f"Network of {self.establishment_id}"
