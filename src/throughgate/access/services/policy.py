"""An establishment's policy: which categories each incentive level opens, and when the internet is open."""

from __future__ import annotations

from datetime import time

from django.db import transaction
from django.utils.translation import gettext as _

from throughgate.access import events, snapshot
from throughgate.access.models import (
    AccessWindow,
    Category,
    LevelAccess,
    WindowKind,
)
from throughgate.access.permissions import MANAGE_POLICY
from throughgate.access.services.checks import ensure_in_scope
from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput
from throughgate.identity.models import Establishment, User
from throughgate.people.models import IncentiveLevel


@transaction.atomic
def level_access_set(
    *, by: User, establishment: Establishment, level: str, categories: list[str], max_risk: int
) -> LevelAccess:
    ensure_can(by, MANAGE_POLICY)
    ensure_in_scope(by, establishment)
    if level not in IncentiveLevel.values:
        raise InvalidInput(_("Choose a level"), code="invalid_level", field="level")
    unknown = [c for c in categories if c not in Category.values]
    if unknown:
        raise InvalidInput(_("Unknown category"), code="invalid_category", field="categories")
    rule, _created = LevelAccess.objects.update_or_create(
        establishment=establishment,
        level=level,
        defaults={"categories": sorted(set(categories)), "max_risk": max_risk},
    )
    audit.record(
        action=events.LEVEL_RULE_CHANGED,
        actor=by,
        obj=rule,
        detail={
            "establishment": establishment.code,
            "level": level,
            "categories": rule.categories,
            "max_risk": max_risk,
        },
    )
    snapshot.bump(snapshot.POLICY)
    return rule


@transaction.atomic
def window_add(
    *, by: User, establishment: Establishment, name: str, kind: str, days: list[int], starts: time, ends: time
) -> AccessWindow:
    ensure_can(by, MANAGE_POLICY)
    ensure_in_scope(by, establishment)
    if kind not in WindowKind.values or not days or any(d not in range(7) for d in days) or ends <= starts:
        raise InvalidInput(_("Check the days and times"), code="invalid_window")
    window = AccessWindow.objects.create(
        establishment=establishment, name=name[:100], kind=kind, days=sorted(set(days)), starts=starts, ends=ends
    )
    audit.record(action=events.WINDOW_CHANGED, actor=by, obj=window, detail={"added": str(window), "kind": kind})
    snapshot.bump(snapshot.POLICY)
    return window


@transaction.atomic
def window_remove(*, by: User, window: AccessWindow) -> None:
    ensure_can(by, MANAGE_POLICY)
    ensure_in_scope(by, window.establishment)
    audit.record(action=events.WINDOW_CHANGED, actor=by, obj=window, detail={"removed": str(window)})
    window.delete()
    snapshot.bump(snapshot.POLICY)
