"""Contacts: a resident asks (once per key), security approves or refuses with a reason the resident sees, and
restrictions are recorded and enforced when approving; every change audited; scoping per establishment."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import make_resident, make_staff
from throughgate.contact.contacts import selectors, services
from throughgate.contact.contacts.models import ContactStatus, RestrictionKind
from throughgate.contact.tests.factories import approved_contact, key, security
from throughgate.core.errors import InvalidInput, InvalidTransition, NotVisible
from throughgate.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _ask(person: Any, first: str = "Ola", last: str = "Sample", **fields: Any) -> Any:
    new = services.NewContact(first_name=first, last_name=last, relationship="friend", phone="07700 900123", **fields)
    return services.contact_request(user=person.user, new=new, idempotency_key=fields.pop("k", key()))


def test_a_request_is_stored_once_per_key_and_audited(establishment: Any) -> None:
    person = make_resident(establishment)
    same = key()
    new = services.NewContact(first_name="Ola", last_name="Sample", relationship="friend", phone="07700 900123")
    first = services.contact_request(user=person.user, new=new, idempotency_key=same)
    again = services.contact_request(user=person.user, new=new, idempotency_key=same)
    assert first.pk == again.pk
    assert first.status == ContactStatus.REQUESTED
    assert AuditEntry.objects.filter(action="contact.contact.requested", subject=person.prison_number).count() == 1


def test_a_request_needs_a_way_to_reach_them(establishment: Any) -> None:
    person = make_resident(establishment)
    new = services.NewContact(first_name="Ola", last_name="Sample", relationship="friend")
    with pytest.raises(InvalidInput) as exc:
        services.contact_request(user=person.user, new=new, idempotency_key=key())
    assert exc.value.field == "phone"


def test_security_approves_and_refuses_with_a_reason_the_resident_sees(establishment: Any) -> None:
    person = make_resident(establishment)
    officer = security(establishment)
    one, two = _ask(person), _ask(person, "Pat", "Example")
    services.contact_approve(by=officer, contact=one)
    with pytest.raises(InvalidInput):
        services.contact_refuse(by=officer, contact=two, reason="  ")
    services.contact_refuse(by=officer, contact=two, reason="We could not confirm who they are.")
    seen = {c.first_name: c for c in selectors.own_contacts(user=person.user)}
    assert seen["Ola"].status == ContactStatus.APPROVED
    assert seen["Pat"].status == ContactStatus.REFUSED
    assert seen["Pat"].reason == "We could not confirm who they are."
    with pytest.raises(InvalidTransition):
        services.contact_approve(by=officer, contact=seen["Pat"])
    assert AuditEntry.objects.filter(action="contact.contact.approved").count() == 1
    assert AuditEntry.objects.filter(action="contact.contact.refused").count() == 1


def test_only_security_of_that_prison_decides(establishment: Any, other_establishment: Any) -> None:
    person = make_resident(establishment)
    contact = _ask(person)
    with pytest.raises(PermissionDenied):
        services.contact_approve(by=make_staff("wing_officer", [establishment]), contact=contact)
    with pytest.raises(NotVisible):
        services.contact_approve(by=security(other_establishment), contact=contact)
    with pytest.raises(NotVisible):
        selectors.contact_for_security(
            user=security(other_establishment), establishment=other_establishment, contact_id=contact.pk
        )
    assert (
        selectors.contacts_waiting(user=security(other_establishment), establishment=other_establishment).count() == 0
    )


def test_a_no_contact_restriction_refuses_approval_and_removes_an_approved_contact(establishment: Any) -> None:
    person = make_resident(establishment)
    officer = security(establishment)
    waiting = _ask(person, "Rowan", "Blocked")
    approved = approved_contact(person, "Sam", "Banned")
    services.restriction_record(
        by=officer,
        person=person,
        new=services.NewRestriction(
            kind=RestrictionKind.NO_CONTACT,
            reason="Court order",
            starts_on=timezone.localdate(),
            named_person="rowan  blocked",
        ),
    )
    with pytest.raises(InvalidTransition) as exc:
        services.contact_approve(by=officer, contact=waiting)
    assert "restriction" in exc.value.message
    services.restriction_record(
        by=officer,
        person=person,
        new=services.NewRestriction(
            kind=RestrictionKind.NO_CONTACT, reason="Smuggling", starts_on=timezone.localdate(), contact_id=approved.pk
        ),
    )
    approved.refresh_from_db()
    assert approved.status == ContactStatus.REMOVED
    assert approved.reason == "Smuggling"
    assert AuditEntry.objects.filter(action="contact.restriction.recorded").count() == 2


def test_a_child_contact_restriction_refuses_a_child(establishment: Any) -> None:
    person = make_resident(establishment)
    officer = security(establishment)
    services.restriction_record(
        by=officer,
        person=person,
        new=services.NewRestriction(
            kind=RestrictionKind.CHILD_CONTACT, reason="Public protection", starts_on=timezone.localdate()
        ),
    )
    child = _ask(person, "Kit", "Young", date_of_birth=timezone.localdate() - dt.timedelta(days=365 * 9))
    with pytest.raises(InvalidTransition) as exc:
        services.contact_approve(by=officer, contact=child)
    assert "child" in exc.value.message
    adult = _ask(person, "Lee", "Older", date_of_birth=dt.date(1970, 1, 1))
    assert services.contact_approve(by=officer, contact=adult).status == ContactStatus.APPROVED


def test_an_ended_restriction_no_longer_applies(establishment: Any) -> None:
    person = make_resident(establishment)
    officer = security(establishment)
    restriction = services.restriction_record(
        by=officer,
        person=person,
        new=services.NewRestriction(
            kind=RestrictionKind.NO_CONTACT,
            reason="Old order",
            starts_on=timezone.localdate() - dt.timedelta(days=30),
            named_person="Ola Sample",
        ),
    )
    services.restriction_end(by=officer, restriction=restriction, on=timezone.localdate() - dt.timedelta(days=1))
    assert services.contact_approve(by=officer, contact=_ask(person)).status == ContactStatus.APPROVED


def test_a_resident_sees_only_their_own_contacts(establishment: Any) -> None:
    one, two = make_resident(establishment), make_resident(establishment)
    _ask(one)
    assert selectors.own_contacts(user=two.user).count() == 0
    assert selectors.own_contacts(user=one.user).count() == 1
