"""Reads of people's records. Every read is scoped to what the acting user may see; reading a record is audited
with its purpose. A record the user may not see looks exactly like one that does not exist (NotVisible: 404)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from throughgate.core import audit
from throughgate.core.errors import InvalidInput, NotVisible, RateLimited
from throughgate.core.models import AuditEntry
from throughgate.core.validators import is_valid_prison_number, normalise
from throughgate.identity import principals
from throughgate.identity.models import Establishment, User
from throughgate.people.models import Alert, CaseloadKind, Person

RECORD_VIEWED = audit.register_action("people.record.viewed", gettext_lazy("Read a person's record"))
RECORD_LOOKED_UP = audit.register_action("people.record.looked_up", gettext_lazy("A partner system looked up a person"))
LOOKUP_MISSED = audit.register_action(
    "people.lookup.missed", gettext_lazy("A partner system looked up a person it may not see, or no one")
)
# A partner system answers its own users' questions one person at a time; more than this in a minute is a sweep.
PARTNER_LOOKUPS_PER_MINUTE = 60
PEOPLE_SEARCHED = audit.register_action("people.searched", gettext_lazy("Searched for people"))

# Why a member of staff opens a record. The audit log keeps the purpose with every view.
PURPOSES: dict[str, Promise] = {
    "daily_care": gettext_lazy("Day-to-day care on the wing"),
    "answering_request": gettext_lazy("Answering an app or complaint"),
    "welfare_check": gettext_lazy("Welfare or safety check"),
    "key_work": gettext_lazy("Key work session"),
    "healthcare": gettext_lazy("Healthcare"),
    "security": gettext_lazy("Security investigation"),
    "case_management": gettext_lazy("Sentence or case management"),
    "education": gettext_lazy("Education or work allocation"),
}


def people_visible_to(*, user: User, establishment: Establishment | None) -> QuerySet[Person]:
    """The people a user may see: a resident only themself; staff the people in the establishment they act in
    (which must be one they may act in); anyone else nobody."""
    base = Person.objects.select_related("establishment", "location")
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user.is_resident:
        return base.filter(user=user)
    if not user.is_staff_member or establishment is None:
        return base.none()
    if not user.sees_all_establishments and not user.assignments.filter(establishment=establishment).exists():
        return base.none()
    return base.filter(establishment=establishment)


def person_matching(query: str, *, via: str = "") -> Q:
    """A condition for the person a text names: their prison number, or every word of it in their first or last
    name. ``via`` reaches the person from another model (``"person__"``)."""
    text = query.strip()
    candidate = normalise(text)
    if is_valid_prison_number(candidate):
        return Q(**{f"{via}prison_number": candidate})
    condition = Q()
    for term in text.split():
        condition &= Q(**{f"{via}first_name__icontains": term}) | Q(**{f"{via}last_name__icontains": term})
    return condition


def person_search(
    *,
    user: User,
    establishment: Establishment | None,
    query: str = "",
    crn: str = "",
    pnc_id: str = "",
    nhs_number: str = "",
    limit: int = 50,
) -> list[Person]:
    """People matching a prison number or name, or a CRN, PNC ID or NHS number (already validated), within what
    the user may see. The search is audited."""
    query = query.strip()
    identifiers = {
        key: value for key, value in {"crn": crn, "pnc_id": pnc_id, "nhs_number": nhs_number}.items() if value
    }
    if not query and not identifiers:
        return []
    matches = people_visible_to(user=user, establishment=establishment).filter(**identifiers)
    if query:
        matches = matches.filter(person_matching(query))
    results = list(matches[:limit])
    audit.record(
        action=PEOPLE_SEARCHED,
        actor=user,
        detail={"query": query[:100], "identifiers": sorted(identifiers), "results": len(results)},
    )
    return results


def person_record(*, user: User, establishment: Establishment | None, prison_number: str, purpose: str) -> Person:
    """One person's record, audited with the purpose staff gave. A resident may only open their own (no purpose
    needed, not audited as a sensitive read); anyone else's looks like a record that does not exist."""
    if user.is_resident:
        own = own_record(user=user)
        if own.prison_number != prison_number:
            raise NotVisible(_("No person with that prison number was found"))
        return own
    if purpose not in PURPOSES:
        raise InvalidInput(_("Choose why you are opening this record"), code="purpose_required", field="purpose")
    person = people_visible_to(user=user, establishment=establishment).filter(prison_number=prison_number).first()
    if person is None:
        raise NotVisible(_("No person with that prison number was found"))
    audit.record(action=RECORD_VIEWED, actor=user, subject=person.prison_number, obj=person, purpose=purpose)
    return person


def own_record(*, user: User) -> Person:
    """A resident's own record, read once per loaded user (a page often asks for it more than once)."""
    person: Person | None = getattr(user, "_own_record_cache", None)
    if person is None:
        if not user.is_resident:
            raise NotVisible(_("No record found"))
        person = principals.cached(
            ("own-record", user.pk),
            lambda: Person.objects.select_related("establishment", "location").filter(user=user).first(),
        )
        if person is None:
            raise NotVisible(_("No record found"))
        user._own_record_cache = person  # type: ignore[attr-defined]
    return person


def own_record_on_probation(*, user: User) -> Person:
    """The record of a person on probation who is signed in (their own, and only while they are not in custody)."""
    if user.kind != "probation" or not user.is_active:
        raise NotVisible(_("No record found"))
    person = Person.objects.filter(user=user, establishment__isnull=True).first()
    if person is None:
        raise NotVisible(_("No record found"))
    return person


def probation_caseload_of(*, staff: User) -> QuerySet[Person]:
    """The people a probation practitioner is allocated to (and who are not in custody): their caseload."""
    if not staff.is_authenticated or not staff.is_active or not staff.is_staff_member:
        return Person.objects.none()
    return Person.objects.filter(
        caseload_entries__staff=staff,
        caseload_entries__kind=CaseloadKind.PROBATION,
        establishment__isnull=True,
    ).distinct()


def practitioners_of(*, person: Person) -> list[User]:
    """The probation practitioners a person is allocated to (who gets their tasks)."""
    return list(
        User.objects.filter(caseload__person=person, caseload__kind=CaseloadKind.PROBATION, is_active=True).order_by(
            "pk"
        )
    )


def own_record_for(*, user: User, permission: str) -> Person:
    """A resident's own record for a feature they use: they must hold ``permission`` and be in an establishment
    (otherwise it looks like no record at all)."""
    if not user.has_perm(permission):
        raise NotVisible(_("No record found"))
    person = own_record(user=user)
    if person.establishment_id is None:
        raise NotVisible(_("No record found"))
    return person


def person_lookup_for_partner(
    *, user: User, prison_number: str = "", crn: str = "", pnc_id: str = "", nhs_number: str = ""
) -> Person:
    """A partner system looks up one person by exactly one identifier (already validated): only people in custody in
    an establishment the partner's account is assigned to, at most PARTNER_LOOKUPS_PER_MINUTE a minute. Every look-up
    is audited, the misses too (without the identifier asked for)."""
    filters = {
        key: value
        for key, value in {
            "prison_number": prison_number,
            "crn": crn,
            "pnc_id": pnc_id,
            "nhs_number": nhs_number,
        }.items()
        if value
    }
    if len(filters) != 1:
        raise InvalidInput(_("Send exactly one identifier"), code="one_identifier_required")
    since = timezone.now() - timedelta(minutes=1)
    recent = AuditEntry.objects.filter(
        actor_id=user.pk, at__gte=since, action__in=(RECORD_LOOKED_UP, LOOKUP_MISSED)
    ).count()
    if recent >= PARTNER_LOOKUPS_PER_MINUTE:
        raise RateLimited(_("Too many look-ups in the last minute. Try again in a minute."))
    # Partners see the people in custody in the establishments their account is assigned to, no one else.
    places = Establishment.objects.filter(assignments__user=user, active=True)
    person = Person.objects.filter(**filters, establishment__in=places).first()
    if person is None:
        audit.record(action=LOOKUP_MISSED, actor=user, purpose="partner_lookup", detail={"by": next(iter(filters))})
        raise NotVisible(_("No person matches that identifier"))
    audit.record(
        action=RECORD_LOOKED_UP,
        actor=user,
        subject=person.prison_number,
        obj=person,
        purpose="partner_lookup",
        detail={"by": next(iter(filters))},
    )
    return person


# Reads for estate-wide batch jobs (AIM's scoring, ingest and fairness audit). They are not scoped to a user, so they
# are never for a page: a page reads through people_visible_to.


def people_in_custody_on(*, day: date) -> list[Person]:
    """Everyone in custody on the day (held in an establishment, arrived on or before it, not released on or before
    it), by prison number."""
    return list(
        Person.objects.filter(establishment__isnull=False)
        .filter(Q(arrival_date__lte=day) | Q(arrival_date__isnull=True))
        .filter(Q(release_date__gt=day) | Q(release_date__isnull=True))
        .select_related("establishment", "location")
        .order_by("prison_number")
    )


def people_with_prison_numbers(*, prison_numbers: Iterable[str]) -> list[Person]:
    """The people with these prison numbers (those we hold), by prison number."""
    return list(
        Person.objects.filter(prison_number__in=set(prison_numbers))
        .select_related("establishment", "location")
        .order_by("prison_number")
    )


def prison_numbers_on_record() -> set[str]:
    """The prison number of every person we hold a record for."""
    return set(Person.objects.values_list("prison_number", flat=True))


# --- Reads for other apps' selectors and services ------------------------------------------------------------------
# They do not check the user: the caller has (a feature's selector that has decided the user may act in the
# establishment, a job acting for the service). They return querysets to narrow down, so the caller's queries stay one.


def person_held_in(*, establishment: Establishment | None, prison_number: str) -> Person | None:
    """The person with this prison number held in the establishment, or None."""
    return Person.objects.filter(establishment=establishment, prison_number=prison_number).first()


def people_held_in(*, establishment: Establishment | None) -> QuerySet[Person]:
    """Everyone held in the establishment."""
    return Person.objects.filter(establishment=establishment)


def people_in_custody() -> QuerySet[Person]:
    """Everyone held in an establishment now."""
    return Person.objects.filter(establishment__isnull=False)


def people_with_pks(*, ids: Iterable[int] | QuerySet[Any]) -> QuerySet[Person]:
    """The people with these primary keys (a list, or a subquery of person ids)."""
    return Person.objects.filter(pk__in=ids)


def person_of_user(*, user: User) -> Person | None:
    """The record whose account this is (a resident's own), with its establishment, or None. Uncached: for a
    service that is about to write (``own_record`` keeps it for a page)."""
    return Person.objects.select_related("establishment").filter(user=user).first()


def alerts_with_codes(*, codes: Iterable[str], active_since: date) -> QuerySet[Alert]:
    """Alerts with any of these codes that were still active on ``active_since`` or later (open, or ended then)."""
    return Alert.objects.filter(code__in=list(codes)).exclude(active_to__lt=active_since)
