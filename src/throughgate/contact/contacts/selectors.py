"""Reads of contacts and restrictions, scoped to the acting user: a resident sees their own; security staff the
people of an establishment they may act in (a person's list is an audited read); a family member only the approved
contacts that carry their own confirmed email address."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from throughgate.contact import events
from throughgate.contact.contacts.models import Contact, ContactKind, ContactStatus, Restriction
from throughgate.contact.permissions import APPROVE_CONTACTS, USE_CONTACTS, USE_FAMILY_SITE
from throughgate.core import audit
from throughgate.core.errors import NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people.models import Person
from throughgate.people.selectors import own_record_for, people_visible_to


def own_contacts(*, user: User) -> QuerySet[Contact]:
    """A resident's contacts, every status (they see what is waiting and why one was refused)."""
    person = own_record_for(user=user, permission=USE_CONTACTS)
    return Contact.objects.filter(person=person).order_by("status", "last_name", "first_name")


def own_restrictions(*, user: User, day: dt.date) -> list[Restriction]:
    person = own_record_for(user=user, permission=USE_CONTACTS)
    return [r for r in restrictions_of(person) if r.in_force_on(day)]


def restrictions_of(person: Person) -> list[Restriction]:
    """Every restriction of a person (in force or not); the rules check the dates."""
    return list(Restriction.objects.filter(person=person).select_related("contact"))


def _ensure_security(user: User, establishment: Establishment | None) -> Establishment:
    if establishment is None or not user.has_perm(APPROVE_CONTACTS) or not staff_may_act_in(user, establishment):
        raise NotVisible(_("No contact found"))
    return establishment


def contacts_waiting(*, user: User, establishment: Establishment | None) -> QuerySet[Contact]:
    """The approvals queue: contacts waiting for a check in the establishment, oldest first."""
    place = _ensure_security(user, establishment)
    return (
        Contact.objects.filter(establishment=place, status=ContactStatus.REQUESTED)
        .select_related("person")
        .order_by("requested_at", "pk")
    )


def contact_for_security(*, user: User, establishment: Establishment | None, contact_id: int) -> Contact:
    place = _ensure_security(user, establishment)
    contact = Contact.objects.select_related("person").filter(pk=contact_id, establishment=place).first()
    if contact is None:
        raise NotVisible(_("No contact found"))
    return contact


def person_for_security(*, user: User, establishment: Establishment | None, prison_number: str) -> Person:
    """One person in the establishment, for their contacts page: an audited read."""
    place = _ensure_security(user, establishment)
    person = people_visible_to(user=user, establishment=place).filter(prison_number=prison_number).first()
    if person is None:
        raise NotVisible(_("No person with that prison number was found"))
    audit.record(action=events.CONTACTS_VIEWED, actor=user, subject=person.prison_number, obj=person)
    return person


def contacts_of(person: Person) -> QuerySet[Contact]:
    return Contact.objects.filter(person=person)


def approved_contacts_of(person: Person, *, social_only: bool = True) -> QuerySet[Contact]:
    found = Contact.objects.filter(person=person, status=ContactStatus.APPROVED)
    return found.filter(kind=ContactKind.SOCIAL) if social_only else found


def family_contacts(*, user: User) -> QuerySet[Contact]:
    """The approved contacts whose email address is the family member's confirmed address: one per resident they
    may visit. Nothing for an unconfirmed account or anyone else."""
    if not user.is_family_member or not user.has_perm(USE_FAMILY_SITE):
        return Contact.objects.none()
    account = getattr(user, "family_account", None)
    if account is None or not account.is_confirmed:
        return Contact.objects.none()
    return (
        Contact.objects.filter(email__iexact=account.email, status=ContactStatus.APPROVED)
        .select_related("person", "person__establishment")
        .order_by("person__first_name", "pk")
    )


def family_contact(*, user: User, contact_id: int) -> Contact:
    contact = family_contacts(user=user).filter(pk=contact_id).first()
    if contact is None:
        raise NotVisible(_("No one found"))
    return contact


def restriction_for_security(*, user: User, establishment: Establishment | None, restriction_id: int) -> Restriction:
    place = _ensure_security(user, establishment)
    found = (
        Restriction.objects.select_related("person", "person__establishment")
        .filter(pk=restriction_id, person__establishment=place)
        .first()
    )
    if found is None:
        raise NotVisible(_("No restriction found"))
    return found
