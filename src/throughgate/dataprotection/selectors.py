"""Reads for the data protection officer: anyone on record (a request can be about someone released long ago or
held in another prison), so every read needs the subject access permission and is audited."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import NotVisible
from throughgate.dataprotection.events import SAR_PREVIEWED, SAR_SEARCHED
from throughgate.dataprotection.models import LegalHold, SubjectAccessRequest
from throughgate.dataprotection.permissions import SUBJECT_ACCESS
from throughgate.identity.models import User
from throughgate.people.models import Person
from throughgate.people.selectors import person_matching

PURPOSE = "subject_access"


def people_for_request(*, user: User, query: str, limit: int = 50) -> list[Person]:
    """Everyone on record whose prison number or name matches, in any prison or released (audited)."""
    ensure_can(user, SUBJECT_ACCESS)
    query = query.strip()
    if not query:
        return []
    results = list(
        Person.objects.filter(person_matching(query)).select_related("establishment").order_by("last_name")[:limit]
    )
    audit.record(
        action=SAR_SEARCHED, actor=user, purpose=PURPOSE, detail={"query": query[:100], "results": len(results)}
    )
    return results


def person_for_request(*, user: User, prison_number: str) -> Person:
    """One person on record, for a request (the read is audited)."""
    ensure_can(user, SUBJECT_ACCESS)
    person = Person.objects.select_related("establishment").filter(prison_number=prison_number).first()
    if person is None:
        raise NotVisible(_("No person with that prison number was found"))
    audit.record(action=SAR_PREVIEWED, actor=user, subject=person.prison_number, obj=person, purpose=PURPOSE)
    return person


def requests_visible_to(*, user: User) -> QuerySet[SubjectAccessRequest]:
    ensure_can(user, SUBJECT_ACCESS)
    return SubjectAccessRequest.objects.select_related("person").defer("archive")


def request_visible_to(*, user: User, request_id: int) -> SubjectAccessRequest:
    found = requests_visible_to(user=user).filter(pk=request_id).first()
    if found is None:
        raise NotVisible(_("No such request"))
    return found


def holds_on(*, person: Person) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(person=person)


def active_holds(*, user: User) -> QuerySet[LegalHold]:
    ensure_can(user, SUBJECT_ACCESS)
    return LegalHold.objects.filter(lifted_at__isnull=True).select_related("person")


def held_person_ids() -> set[int]:
    """People under a legal hold (for the retention job)."""
    return set(LegalHold.objects.filter(lifted_at__isnull=True).values_list("person_id", flat=True))
