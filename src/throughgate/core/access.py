"""The one permission map: every view and API operation declares who may use it.

A view is declared with ``@public`` (anyone, signed in or not) or ``@requires("app.permission")`` (a signed-in user
holding that permission through one of their roles). The declaration is stored on the function and in
``ROUTE_RULES``; the access middleware (identity app) and the API router enforce it, and refuse any route that
declares nothing: fail closed. Permission codes are registered with ``register_permission`` by the app that owns
them; roles (data, in the identity app) grant them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar, cast

from django.core.exceptions import PermissionDenied

F = TypeVar("F", bound=Callable[..., Any])

ATTRIBUTE = "throughgate_access"


@dataclass(frozen=True)
class Rule:
    kind: Literal["public", "permission"]
    permission: str = ""
    sign_in: str = ""  # the URL name an anonymous visitor is sent to (empty: the staff sign-in page)

    def __str__(self) -> str:
        return "public" if self.kind == "public" else self.permission


PERMISSIONS: dict[str, str] = {}
ROUTE_RULES: dict[str, Rule] = {}


def register_permission(code: str, description: str) -> str:
    app_label, _, name = code.partition(".")
    if not app_label or not name:
        raise ValueError(f"Permission codes are 'app.name', not {code!r}")
    PERMISSIONS[code] = description
    return code


def _declare(func: F, rule: Rule) -> F:
    if not hasattr(
        func, "__qualname__"
    ):  # a functools.partial (ninja's docs views): give it a function to carry the rule
        target = func

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return target(*args, **kwargs)

        wrapper.__qualname__ = f"{getattr(target, 'func', target).__qualname__}"
        func = cast(F, wrapper)
    setattr(func, ATTRIBUTE, rule)
    ROUTE_RULES[f"{func.__module__}.{func.__qualname__}"] = rule
    return func


def public(func: F) -> F:
    """Anyone may use this route, signed in or not (sign-in pages, health checks, error pages)."""
    return _declare(func, Rule(kind="public"))


def requires(permission: str, *, sign_in: str = "") -> Callable[[F], F]:
    """Only a signed-in user whose roles grant ``permission`` may use this route. ``sign_in`` names the sign-in page
    an anonymous visitor is sent to, for routes whose users do not sign in on the staff page (the family site)."""
    if permission not in PERMISSIONS:
        raise ValueError(f"Unregistered permission {permission!r}: register it with register_permission")

    def decorator(func: F) -> F:
        return _declare(func, Rule(kind="permission", permission=permission, sign_in=sign_in))

    return decorator


class HoldsPermissions(Protocol):
    def has_perm(self, perm: str, obj: Any = None) -> bool: ...


def ensure_can(user: HoldsPermissions, permission: str) -> None:
    """The check a service makes before it writes: PermissionDenied unless ``user`` holds ``permission`` (a
    registered code, so a misspelt one fails at once rather than refusing everybody)."""
    if permission not in PERMISSIONS:
        raise ValueError(f"Unregistered permission {permission!r}: register it with register_permission")
    if not user.has_perm(permission):
        raise PermissionDenied(permission)


def rule_for(func: Callable[..., Any]) -> Rule | None:
    """The declared rule of a view, looking through wrappers; None when nothing was declared."""
    seen = 0
    current: Any = func
    while current is not None and seen < 10:
        rule = getattr(current, ATTRIBUTE, None)
        if isinstance(rule, Rule):
            return rule
        current = getattr(current, "__wrapped__", None) or getattr(current, "view_class", None)
        seen += 1
    return None


# Permissions owned by core.
VIEW_AUDIT = register_permission("core.view_audit", "Search and read the audit log")
VIEW_JOBS = register_permission("core.view_jobs", "See the scheduled jobs and how their last runs went")
