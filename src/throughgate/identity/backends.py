"""Authentication backends: staff by username and password; residents by prison number and PIN on a registered
device. Both answer ``has_perm`` from the user's roles, so ``user.has_perm("people.view_person")`` is the one check."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from throughgate.identity import principals
from throughgate.identity.models import RegisteredDevice, RoleKind, User


class RolePermissionsMixin:
    def get_user(self, user_id: Any) -> Any:
        """The signed-in user with their roles already read, from the short-lived identity cache."""
        return principals.cached(("user", str(user_id)), lambda: self._load_user(user_id))

    def _load_user(self, user_id: Any) -> Any:
        user = super().get_user(user_id)  # type: ignore[misc]
        if isinstance(user, User):
            user.permission_codes()  # reads the roles now, so that every copy handed out carries them
        return user

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not getattr(user_obj, "is_active", False) or not isinstance(user_obj, User):
            return set()
        return set(user_obj.permission_codes())

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return isinstance(user_obj, User) and user_obj.is_active and perm in user_obj.permission_codes()


class StaffBackend(RolePermissionsMixin, ModelBackend):
    """Username and password, for staff and people on probation. Residents and family members cannot sign in this
    way."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if not isinstance(user, User) or user.kind in (RoleKind.RESIDENT, RoleKind.PARTNER, RoleKind.FAMILY):
            return None
        return user

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()


class ResidentBackend(RolePermissionsMixin, ModelBackend):
    """Prison number and PIN, accepted only from a registered, active device of the resident's establishment."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        prison_number: str | None = None,
        pin: str | None = None,
        device: RegisteredDevice | None = None,
        **kwargs: Any,
    ) -> User | None:
        if prison_number is None or pin is None or device is None or not device.active:
            return None
        user = User.objects.filter(username=prison_number).first()
        if user is None:
            User().set_password(pin)  # same work as a real check, so timing does not reveal the account
            return None
        if not user.check_password(pin) or not user.is_active or user.kind != RoleKind.RESIDENT:
            return None
        if not user.assignments.filter(establishment_id=device.establishment_id).exists():
            return None
        return user

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()


class FamilyBackend(RolePermissionsMixin, ModelBackend):
    """Email address and password, for family members on the family site (contact app) only: the account must have the
    family kind, so a staff or resident account can never sign in there, nor a family account on the staff page."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        family_email: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not family_email or password is None:
            return None
        user = User.objects.filter(username=family_username(family_email)).first()
        if user is None:
            User().set_password(password)  # same work as a real check, so timing does not reveal the account
            return None
        if not user.check_password(password) or not user.is_active or user.kind != RoleKind.FAMILY:
            return None
        return user

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()


FAMILY_USERNAME_PREFIX = "family:"


def family_username(email: str) -> str:
    """The username of a family account: its email address, lower-cased, with a prefix no staff username has."""
    return f"{FAMILY_USERNAME_PREFIX}{email.strip().lower()}"
