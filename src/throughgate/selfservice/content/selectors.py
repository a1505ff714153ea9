"""Reads of content and notices, scoped to the acting user.

A resident sees published items of their establishment's library and of every library, recordings for their wing
or for a group they are in, and the notices of their establishment and wing that are showing today. Staff who manage
content see the items of the establishment they act in (and those for every establishment), with view counts; staff
who manage notices see its notices. Anything else looks like a record that does not exist (NotVisible).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core.errors import NotVisible
from throughgate.identity import principals
from throughgate.identity import selectors as identity_selectors
from throughgate.identity.models import Establishment, Location, LocationLevel, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people.models import Person
from throughgate.people.selectors import own_record_for
from throughgate.selfservice.content.models import (
    ContentAudience,
    ContentItem,
    ContentStatus,
    ContentView,
    Notice,
)
from throughgate.selfservice.permissions import MANAGE_CONTENT, MANAGE_NOTICES, MANAGE_PRISON_NOTICES, USE_CONTENT

# --- Residents -----------------------------------------------------------------------------------------------


def wing_of(person: Person) -> Location | None:
    """The wing the person lives on (the top of their cell's location chain). Kept for a few seconds per cell in
    the identity cache (identity/principals.py), which a change to any location clears."""
    location = person.location
    if location is None:
        return None
    found = principals.cached(("wing-of", location.pk), lambda: (_wing_of_cell(location.pk),))
    return found[0] if found else None


def _wing_of_cell(cell_id: int) -> Location | None:
    node = identity_selectors.location_with_parents(cell_id)
    while node.parent is not None:
        node = node.parent
    return node if node.level == LocationLevel.WING else None


def _resident_items(person: Person) -> QuerySet[ContentItem]:
    wing = wing_of(person)
    shelf = Q(audience=ContentAudience.LIBRARY) & (
        Q(establishment_id=person.establishment_id) | Q(establishment__isnull=True)
    )
    group = Q(audience=ContentAudience.GROUP, establishment_id=person.establishment_id, members=person)
    scope = shelf | group
    if wing is not None:
        scope |= Q(audience=ContentAudience.WING, wing=wing)
    return ContentItem.objects.filter(scope, status=ContentStatus.PUBLISHED).distinct()


def library_for_resident(*, user: User, category: str = "") -> QuerySet[ContentItem]:
    """The library shelf: newest first, optionally one subject."""
    items = _resident_items(own_record_for(user=user, permission=USE_CONTENT)).filter(audience=ContentAudience.LIBRARY)
    if category:
        items = items.filter(category=category)
    return items.order_by("-published_at", "-id")


def recordings_for_resident(*, user: User) -> QuerySet[ContentItem]:
    """Recorded group sessions for the resident's wing or groups, the latest session first."""
    items = _resident_items(own_record_for(user=user, permission=USE_CONTENT)).exclude(audience=ContentAudience.LIBRARY)
    return items.order_by("-session_on", "-published_at", "-id")


def categories_for_resident(*, user: User) -> list[str]:
    """The subjects the resident's library has something in."""
    items = _resident_items(own_record_for(user=user, permission=USE_CONTENT)).filter(audience=ContentAudience.LIBRARY)
    return sorted(set(items.values_list("category", flat=True)))


def content_for_resident(*, user: User, item_id: int) -> ContentItem:
    item = _resident_items(own_record_for(user=user, permission=USE_CONTENT)).filter(pk=item_id).first()
    if item is None:
        raise NotVisible(_("No item found"))
    return item


def notices_for_resident(*, user: User, today: date | None = None) -> QuerySet[Notice]:
    """Notices showing today for the resident's establishment and wing, the most recent first."""
    person = own_record_for(user=user, permission=USE_CONTENT)
    day = today or timezone.localdate()
    wing = wing_of(person)
    where = Q(wing__isnull=True) | Q(wing=wing) if wing is not None else Q(wing__isnull=True)
    return Notice.objects.filter(
        where,
        establishment=person.establishment,
        withdrawn_at__isnull=True,
        starts_on__lte=day,
        ends_on__gte=day,
    ).order_by("-starts_on", "-created_at", "-id")


def home_notices_for_resident(*, user: User, limit: int) -> tuple[Notice, ...]:
    """The first ``limit`` notices of ``notices_for_resident``, for the home page. Everyone on a wing sees the same
    ones, so they are kept for a few seconds per wing and day (identity/principals.py; a notice saved in this
    process clears them at once)."""
    person = own_record_for(user=user, permission=USE_CONTENT)
    day = timezone.localdate()
    wing = wing_of(person)
    key = ("home-notices", person.establishment_id, wing.pk if wing is not None else None, day, limit)
    found = principals.cached(key, lambda: tuple(notices_for_resident(user=user, today=day)[:limit]))
    return found or ()


def notice_for_resident(*, user: User, notice_id: int) -> Notice:
    notice = notices_for_resident(user=user).filter(pk=notice_id).first()
    if notice is None:
        raise NotVisible(_("No notice found"))
    return notice


# --- Staff ---------------------------------------------------------------------------------------------------


def content_for_staff(*, user: User, establishment: Establishment | None) -> QuerySet[ContentItem]:
    """The establishment's items and those for every establishment, with their view counts."""
    if not user.has_perm(MANAGE_CONTENT) or not staff_may_act_in(user, establishment):
        return ContentItem.objects.none()
    return (
        ContentItem.objects.filter(Q(establishment=establishment) | Q(establishment__isnull=True))
        .select_related("establishment", "wing")
        .annotate(people=Count("views__person", distinct=True), opens=Sum("views__opens"))
        .order_by("-created_at", "-id")
    )


def content_item_for_staff(*, user: User, establishment: Establishment | None, item_id: int) -> ContentItem:
    item = content_for_staff(user=user, establishment=establishment).filter(pk=item_id).first()
    if item is None:
        raise NotVisible(_("No item found"))
    return item


@dataclass(frozen=True)
class ViewCounts:
    people: int  # different people who opened it
    views: int  # person-hours: what the activity stream holds
    opens: int  # every open, re-opens within an hour included


def view_counts(*, item: ContentItem) -> ViewCounts:
    totals = ContentView.objects.filter(item=item).aggregate(
        people=Count("person", distinct=True), views=Count("pk"), opens=Sum("opens")
    )
    return ViewCounts(people=totals["people"] or 0, views=totals["views"] or 0, opens=totals["opens"] or 0)


def wings_of(*, establishment: Establishment | None) -> QuerySet[Location]:
    return identity_selectors.locations_in(establishment=establishment, level=LocationLevel.WING).order_by("key")


def wing_for_staff(*, user: User, establishment: Establishment | None, wing_id: int | None) -> Location | None:
    """A wing of the establishment the user acts in (None when none was chosen)."""
    if wing_id is None:
        return None
    if not staff_may_act_in(user, establishment):
        raise NotVisible(_("No wing found"))
    wing = wings_of(establishment=establishment).filter(pk=wing_id).first()
    if wing is None:
        raise NotVisible(_("No wing found"))
    return wing


def notices_for_staff(*, user: User, establishment: Establishment | None) -> QuerySet[Notice]:
    """Every notice of the establishment, the latest start first."""
    if not (user.has_perm(MANAGE_NOTICES) or user.has_perm(MANAGE_PRISON_NOTICES)):
        return Notice.objects.none()
    if not staff_may_act_in(user, establishment):
        return Notice.objects.none()
    return Notice.objects.filter(establishment=establishment).select_related("wing")


def notice_for_staff(*, user: User, establishment: Establishment | None, notice_id: int) -> Notice:
    notice = notices_for_staff(user=user, establishment=establishment).filter(pk=notice_id).first()
    if notice is None:
        raise NotVisible(_("No notice found"))
    return notice
