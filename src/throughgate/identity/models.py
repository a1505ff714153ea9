"""Users, roles (as data), establishments and their locations, registered devices and partner API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RoleKind(models.TextChoices):
    STAFF = "staff", _("Staff")
    RESIDENT = "resident", _("Person in prison")
    PROBATION = "probation", _("Person on probation")
    PARTNER = "partner", _("Partner system")
    FAMILY = "family", _("Family member")


class Role(models.Model):
    """A role is data: its permissions are a list of registered permission codes (see core.access)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=RoleKind.choices)
    sees_all_establishments = models.BooleanField(
        default=False, help_text="HQ roles see every establishment; others only those they are assigned to."
    )
    permissions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Establishment(models.Model):
    code = models.CharField(max_length=3, unique=True, help_text="Three-letter agency code, e.g. MDI.")
    name = models.CharField(max_length=100)
    is_welsh = models.BooleanField(default=False, help_text="Prisons in Wales offer every page in Welsh.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[A-Z]{3}$"), name="establishment_code_format")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class LocationLevel(models.TextChoices):
    WING = "wing", _("Wing")
    LANDING = "landing", _("Landing")
    CELL = "cell", _("Cell")


class Location(models.Model):
    """A place in an establishment: wing, then landing, then cell. ``key`` is the full code, e.g. MDI-1-2-003."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="locations")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    level = models.CharField(max_length=8, choices=LocationLevel.choices)
    code = models.CharField(max_length=10)
    key = models.CharField(max_length=40, unique=True)
    capacity = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["key"]
        constraints = [models.UniqueConstraint(fields=["parent", "code"], name="location_code_unique_in_parent")]

    def __str__(self) -> str:
        return self.key

    @property
    def wing(self) -> Location:
        node = self
        while node.parent is not None:
            node = node.parent
        return node


class User(AbstractUser):
    """Anyone who signs in: staff, a person in prison (username = prison number, password = PIN), a person on
    probation, or a partner system's service account."""

    roles = models.ManyToManyField(Role, blank=True, related_name="users")
    establishments: models.ManyToManyField[Establishment, StaffAssignment] = models.ManyToManyField(
        Establishment, through="StaffAssignment", blank=True, related_name="assigned_users"
    )
    preferred_language = models.CharField(max_length=5, blank=True)

    def _role_rows(self) -> list[tuple[str, str, bool, list[str]]]:
        """The user's roles, read once per request (users are loaded fresh for each request)."""
        cached: list[tuple[str, str, bool, list[str]]] | None = getattr(self, "_role_cache", None)
        if cached is None:
            cached = (
                list(self.roles.values_list("code", "kind", "sees_all_establishments", "permissions"))
                if self.pk
                else []
            )
            self._role_cache = cached
        return cached

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Django's check, answered from the roles first: that is what this service's backends answer
        (identity.backends), and a page asks it several times. Only when the roles do not grant it (or for an
        object-level question) does it ask every backend, as Django does."""
        if obj is None and self.is_active and perm in self.permission_codes():
            return True
        return super().has_perm(perm, obj)

    def permission_codes(self) -> frozenset[str]:
        """Every permission the user's roles grant, worked out once per loaded user (has_perm asks it often)."""
        cached: frozenset[str] | None = getattr(self, "_permission_cache", None)
        if cached is None:
            cached = frozenset(perm for _code, _kind, _all, perms in self._role_rows() for perm in perms or [])
            self._permission_cache = cached
        return cached

    @property
    def kind(self) -> str:
        """Resident, probation, partner or staff, from the roles; worked out once per loaded user, like the roles."""
        cached: str | None = getattr(self, "_kind_cache", None)
        if cached is None:
            kinds = {kind for _code, kind, _all, _perms in self._role_rows()}
            cached = next(
                (
                    str(kind)
                    for kind in (RoleKind.RESIDENT, RoleKind.PROBATION, RoleKind.PARTNER, RoleKind.FAMILY)
                    if kind in kinds
                ),
                str(RoleKind.STAFF),
            )
            self._kind_cache = cached
        return cached

    @property
    def is_resident(self) -> bool:
        return self.kind == RoleKind.RESIDENT

    @property
    def is_family_member(self) -> bool:
        """Someone outside the prison with a family-site account (contact app): never staff, never a resident."""
        return self.kind == RoleKind.FAMILY

    @property
    def is_staff_member(self) -> bool:
        return self.kind == RoleKind.STAFF and bool(self._role_rows())

    @property
    def sees_all_establishments(self) -> bool:
        return any(sees_all for _code, _kind, sees_all, _perms in self._role_rows())


class StaffAssignment(models.Model):
    """A user works at (or, for a resident, lives in) an establishment."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="assignments")
    since = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "establishment"], name="one_assignment_per_place")]

    def __str__(self) -> str:
        return f"{self.user} at {self.establishment.code}"


def hash_secret(secret: str) -> str:
    """Tokens are long random strings, so one SHA-256 is the right hash (no need for a slow password hash)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class DeviceKind(models.TextChoices):
    KIOSK = "kiosk", _("Wing kiosk")
    IN_CELL = "in_cell", _("In-cell device")


class RegisteredDevice(models.Model):
    """A kiosk or in-cell device allowed to offer resident sign-in. Its token lives in a cookie on the device."""

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=DeviceKind.choices)
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="devices")
    location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    enrolment_code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    enrolment_expires_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    registered_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.establishment.code})"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class ApiToken(models.Model):
    """A partner system's bearer token: stored hashed, limited to scopes (permission codes), and expiring."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class Notification(models.Model):
    """Something a member of staff should know or do (an escalated app, overdue AIM reviews, a failed job), shown in
    the header's count and on their notifications page until they mark it read. The text is kept in English and
    Welsh, written when the notification is made, so each reader sees their own language."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=64)
    key = models.CharField(max_length=200, help_text="The same key for the same recipient is stored once.")
    text = models.JSONField(default=dict, help_text="The message by language code (en, cy).")
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    def message(self, language: str) -> str:
        """The text in ``language``, or in English when there is none in it."""
        return str(self.text.get(language) or self.text.get("en") or "")


class SignInFailure(models.Model):
    """One wrong password, PIN or security code, kept for a day so that the next tries can be slowed down
    (identity.selectors.sign_in_wait). Pruned by a scheduled job."""

    at = models.DateTimeField(default=timezone.now)
    username = models.CharField(max_length=150)
    device = models.ForeignKey(RegisteredDevice, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["username", "at"], name="signin_failure_user"),
            models.Index(fields=["device", "at"], name="signin_failure_device"),
            models.Index(fields=["ip", "at"], name="signin_failure_ip"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username}"
