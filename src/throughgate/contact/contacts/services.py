"""Contacts writes: a resident asks to add a contact (once per idempotency key); security approves or refuses with a
reason, removes a contact, and records or ends restrictions. Each leaves an audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.contact import events
from throughgate.contact.contacts import rules, selectors
from throughgate.contact.contacts.models import Contact, ContactKind, ContactStatus, Restriction, RestrictionKind
from throughgate.contact.permissions import APPROVE_CONTACTS, USE_CONTACTS
from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition, NotVisible
from throughgate.core.idempotency import clean_idempotency_key
from throughgate.identity.models import User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people.models import Person
from throughgate.people.selectors import own_record_for

MAX_WAITING = 10


@dataclass(frozen=True)
class NewContact:
    first_name: str
    last_name: str
    relationship: str
    kind: str = ContactKind.SOCIAL
    date_of_birth: dt.date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""


def contact_request(*, user: User, new: NewContact, idempotency_key: str) -> Contact:
    """A resident asks to add a contact. Stored once per key; security checks it before it can be used."""
    ensure_can(user, USE_CONTACTS)
    person = own_record_for(user=user, permission=USE_CONTACTS)
    key = clean_idempotency_key(idempotency_key)
    existing = Contact.objects.filter(person=person, idempotency_key=key).first()
    if existing is not None:
        return existing
    establishment = person.establishment
    if establishment is None:  # own_record_for refuses a person without one; this tells the type checker
        raise NotVisible(_("No record found"))
    if not new.first_name.strip() or not new.last_name.strip():
        raise InvalidInput(_("Enter their first and last name."), code="name_required", field="first_name")
    if not (new.phone.strip() or new.email.strip() or new.address.strip()):
        raise InvalidInput(_("Enter a phone number, an email or an address."), code="no_details", field="phone")
    if new.date_of_birth is not None and new.date_of_birth > timezone.localdate():
        raise InvalidInput(_("The date of birth must be in the past."), code="born_later", field="date_of_birth")
    if Contact.objects.filter(person=person, status=ContactStatus.REQUESTED).count() >= MAX_WAITING:
        raise InvalidInput(
            _("You already have %(n)s contacts waiting. Wait for them to be checked.") % {"n": MAX_WAITING},
            code="too_many_waiting",
        )
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                person=person,
                establishment=establishment,
                kind=new.kind,
                first_name=new.first_name.strip(),
                last_name=new.last_name.strip(),
                relationship=new.relationship,
                date_of_birth=new.date_of_birth,
                phone=new.phone.strip(),
                email=new.email.strip().lower(),
                address=new.address.strip(),
                requested_at=timezone.now(),
                requested_by=user,
                idempotency_key=key,
            )
            audit.record(
                action=events.CONTACT_REQUESTED,
                actor=user,
                subject=person.prison_number,
                obj=contact,
                detail={"contact": contact.pk, "relationship": contact.relationship, "kind": contact.kind},
            )
    except IntegrityError:
        existing = Contact.objects.filter(person=person, idempotency_key=key).first()
        if existing is None:
            raise
        return existing
    return contact


def _locked(by: User, contact: Contact) -> Contact:
    ensure_can(by, APPROVE_CONTACTS)
    if not staff_may_act_in(by, contact.establishment):
        raise NotVisible(_("No contact found"))
    return Contact.objects.select_for_update().select_related("person").get(pk=contact.pk)


@transaction.atomic
def contact_approve(*, by: User, contact: Contact) -> Contact:
    """Security approves a contact after their checks. A restriction in force that forbids this contact refuses it."""
    contact = _locked(by, contact)
    if contact.status != ContactStatus.REQUESTED:
        raise InvalidTransition(_("This contact has already been decided."), code="already_decided")
    blocked = rules.forbids_contact(selectors.restrictions_of(contact.person), contact, timezone.localdate())
    if blocked:
        raise InvalidTransition(blocked, code="restricted")
    return _decide(by, contact, ContactStatus.APPROVED, "", events.CONTACT_APPROVED)


@transaction.atomic
def contact_refuse(*, by: User, contact: Contact, reason: str) -> Contact:
    """Security refuses a contact, with a reason the resident reads."""
    contact = _locked(by, contact)
    if contact.status != ContactStatus.REQUESTED:
        raise InvalidTransition(_("This contact has already been decided."), code="already_decided")
    return _decide(by, contact, ContactStatus.REFUSED, _reason(reason), events.CONTACT_REFUSED)


@transaction.atomic
def contact_remove(*, by: User, contact: Contact, reason: str) -> Contact:
    """Security removes an approved contact (a ban, for example); booked visits with them stay for staff to cancel."""
    contact = _locked(by, contact)
    if contact.status != ContactStatus.APPROVED:
        raise InvalidTransition(_("Only an approved contact can be removed."), code="not_approved")
    return _decide(by, contact, ContactStatus.REMOVED, _reason(reason), events.CONTACT_REMOVED)


def _reason(reason: str) -> str:
    if not reason.strip():
        raise InvalidInput(_("Enter the reason. The person in prison will read it."), code="reason", field="reason")
    return reason.strip()


def _decide(by: User, contact: Contact, status: str, reason: str, action: str) -> Contact:
    contact.status = status
    contact.reason = reason
    contact.decided_at = timezone.now()
    contact.decided_by = by
    contact.save(update_fields=["status", "reason", "decided_at", "decided_by"])
    audit.record(
        action=action,
        actor=by,
        subject=contact.person.prison_number,
        obj=contact,
        detail={"contact": contact.pk, "reason": reason} if reason else {"contact": contact.pk},
    )
    return contact


@dataclass(frozen=True)
class NewRestriction:
    kind: str
    reason: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    contact_id: int | None = None
    named_person: str = ""


@transaction.atomic
def restriction_record(*, by: User, person: Person, new: NewRestriction) -> Restriction:
    """Security records a restriction on a person's contact. A no-contact restriction on an approved contact also
    removes that contact."""
    ensure_can(by, APPROVE_CONTACTS)
    if not staff_may_act_in(by, person.establishment):
        raise NotVisible(_("No person with that prison number was found"))
    if not new.reason.strip():
        raise InvalidInput(_("Enter the reason for the restriction."), code="reason", field="reason")
    if new.ends_on is not None and new.ends_on < new.starts_on:
        raise InvalidInput(_("The end date must be on or after the start date."), code="dates", field="ends_on")
    contact = None
    if new.kind == RestrictionKind.NO_CONTACT:
        if new.contact_id is not None:
            contact = Contact.objects.filter(pk=new.contact_id, person=person).first()
            if contact is None:
                raise InvalidInput(_("Choose one of this person's contacts."), code="contact", field="contact")
        elif not new.named_person.strip():
            raise InvalidInput(
                _("Choose a contact or enter the name of the person."), code="named_person", field="named_person"
            )
    restriction = Restriction.objects.create(
        person=person,
        kind=new.kind,
        contact=contact,
        named_person=new.named_person.strip(),
        reason=new.reason.strip(),
        starts_on=new.starts_on,
        ends_on=new.ends_on,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    audit.record(
        action=events.RESTRICTION_RECORDED,
        actor=by,
        subject=person.prison_number,
        obj=restriction,
        detail={"kind": new.kind, "contact": contact.pk if contact else None, "from": new.starts_on.isoformat()},
    )
    if (
        contact is not None
        and contact.status == ContactStatus.APPROVED
        and restriction.in_force_on(timezone.localdate())
    ):
        contact_remove(by=by, contact=contact, reason=new.reason)
    return restriction


@transaction.atomic
def restriction_end(*, by: User, restriction: Restriction, on: dt.date) -> Restriction:
    ensure_can(by, APPROVE_CONTACTS)
    if not staff_may_act_in(by, restriction.person.establishment):
        raise NotVisible(_("No restriction found"))
    if on < restriction.starts_on:
        raise InvalidInput(_("The end date must be on or after the start date."), code="dates", field="ends_on")
    restriction.ends_on = on
    restriction.save(update_fields=["ends_on"])
    audit.record(
        action=events.RESTRICTION_ENDED,
        actor=by,
        subject=restriction.person.prison_number,
        obj=restriction,
        detail={"ends_on": on.isoformat()},
    )
    return restriction
