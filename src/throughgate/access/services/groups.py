"""Groups that sites can be limited to, and their members."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from throughgate.access import events, snapshot
from throughgate.access.models import (
    AccessGroup,
)
from throughgate.access.permissions import MANAGE_POLICY
from throughgate.access.services.checks import ensure_in_scope
from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput
from throughgate.identity.models import User
from throughgate.people.models import Person


@transaction.atomic
def group_create(*, by: User, code: str, name: str) -> AccessGroup:
    ensure_can(by, MANAGE_POLICY)
    code = code.strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", code):
        raise InvalidInput(
            _("Use lower-case letters, digits and hyphens, up to 40 characters"), code="invalid_code", field="code"
        )
    if not name.strip():
        raise InvalidInput(_("Enter a name"), code="name_required", field="name")
    if AccessGroup.objects.filter(code=code).exists():
        raise InvalidInput(_("A group with this code exists"), code="duplicate", field="code")
    group = AccessGroup.objects.create(code=code, name=name.strip()[:100])
    audit.record(action=events.GROUP_CHANGED, actor=by, obj=group, detail={"change": "created", "code": code})
    return group


@transaction.atomic
def group_add_member(*, by: User, group: AccessGroup, person: Person) -> AccessGroup:
    ensure_can(by, MANAGE_POLICY)
    ensure_in_scope(by, person.establishment)
    if group.members.filter(pk=person.pk).exists():
        raise InvalidInput(_("This person is already in the group"), code="duplicate", field="prison_number")
    group.members.add(person)
    audit.record(
        action=events.GROUP_CHANGED,
        actor=by,
        subject=person.prison_number,
        obj=group,
        detail={"change": "member_added", "code": group.code},
    )
    snapshot.bump(snapshot.POLICY)
    return group


@transaction.atomic
def group_remove_member(*, by: User, group: AccessGroup, person: Person) -> AccessGroup:
    ensure_can(by, MANAGE_POLICY)
    ensure_in_scope(by, person.establishment)
    group.members.remove(person)
    audit.record(
        action=events.GROUP_CHANGED,
        actor=by,
        subject=person.prison_number,
        obj=group,
        detail={"change": "member_removed", "code": group.code},
    )
    snapshot.bump(snapshot.POLICY)
    return group
