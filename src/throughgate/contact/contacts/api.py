"""Contacts and visits on the JSON API for the in-cell app (/api/v1/contact/...): a resident lists their contacts,
asks to add one (idempotent: a key already used answers 200 with the first request, 201 when new), and lists their
upcoming visits."""

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Schema, Status

from throughgate.contact.contacts import selectors, services
from throughgate.contact.contacts.models import Contact, ContactKind, Relationship
from throughgate.contact.permissions import USE_CONTACTS
from throughgate.contact.visits import selectors as visit_selectors
from throughgate.contact.visits.models import Visit
from throughgate.core.access import requires
from throughgate.identity.api import ERRORS, WRITE_ERRORS, Router, acting_user, permission_first

router = Router()
CONTACTS_FIRST = permission_first(USE_CONTACTS)


class ContactOut(Schema):
    id: int
    first_name: str
    last_name: str
    relationship: str
    kind: str
    status: str = Field(description="requested, approved, refused or removed")
    reason: str = Field(description="Why it was refused or removed; empty otherwise")

    @staticmethod
    def of(contact: Contact) -> "ContactOut":
        return ContactOut(
            id=contact.pk,
            first_name=contact.first_name,
            last_name=contact.last_name,
            relationship=contact.relationship,
            kind=contact.kind,
            status=contact.status,
            reason=contact.reason,
        )


class ContactIn(Schema):
    first_name: str = Field(max_length=60)
    last_name: str = Field(max_length=60)
    relationship: Relationship
    kind: ContactKind = ContactKind.SOCIAL
    date_of_birth: date | None = None
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    address: str = Field("", max_length=500)
    idempotency_key: str = Field(description="Made by the device when the form is shown; resend it on a retry")


class VisitOut(Schema):
    id: int
    starts_at: datetime
    room: str
    kind: str = Field(description="open or closed")
    visitors: list[str] = Field(description="Visitors' names")

    @staticmethod
    def of(visit: Visit) -> "VisitOut":
        return VisitOut(
            id=visit.pk,
            starts_at=visit_selectors.starts_at(visit.slot.session, visit.slot.date),
            room=visit.slot.session.room,
            kind=visit.kind,
            visitors=[c.full_name for c in visit.visitors.all()],
        )


@router.get("/contacts", response={200: list[ContactOut], **ERRORS}, summary="The resident's contacts")
@requires(USE_CONTACTS)
def my_contacts(request: HttpRequest) -> list[ContactOut]:
    return [ContactOut.of(c) for c in selectors.own_contacts(user=acting_user(request))]


@router.post(
    "/contacts",
    response={200: ContactOut, 201: ContactOut, **WRITE_ERRORS},
    summary="Ask to add a contact (security checks it; idempotent)",
    auth=CONTACTS_FIRST,
)
@requires(USE_CONTACTS)
def contact_request(request: HttpRequest, payload: ContactIn) -> Status[ContactOut]:
    user = acting_user(request)
    before = selectors.own_contacts(user=user).filter(idempotency_key=payload.idempotency_key.strip()).exists()
    contact = services.contact_request(
        user=user,
        new=services.NewContact(
            first_name=payload.first_name,
            last_name=payload.last_name,
            relationship=payload.relationship,
            kind=payload.kind,
            date_of_birth=payload.date_of_birth,
            phone=payload.phone,
            email=payload.email,
            address=payload.address,
        ),
        idempotency_key=payload.idempotency_key,
    )
    return Status(200 if before else 201, ContactOut.of(contact))


@router.get("/visits", response={200: list[VisitOut], **ERRORS}, summary="The resident's upcoming visits")
@requires(USE_CONTACTS)
def my_visits(request: HttpRequest) -> list[VisitOut]:
    return [VisitOut.of(v) for v in visit_selectors.own_upcoming(user=acting_user(request))]
