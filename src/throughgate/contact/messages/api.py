"""Messages on the JSON API for the in-cell app (/api/v1/contact/messages...): a resident lists released messages
and their replies (never a held one), and replies to one (idempotent: a key already used answers 200 with the first
reply, 201 when new)."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Schema, Status

from throughgate.contact.messages import selectors, services
from throughgate.contact.messages.models import Message
from throughgate.contact.permissions import USE_CONTACTS
from throughgate.core.access import requires
from throughgate.identity.api import ERRORS, WRITE_ERRORS, Router, acting_user, permission_first

router = Router()
CONTACTS_FIRST = permission_first(USE_CONTACTS)


class MessageOut(Schema):
    id: int
    direction: str = Field(description="in: from family; out: the resident's reply")
    contact: str = Field(description="The family member's name")
    body: str
    sent_at: datetime
    read_at: datetime | None
    reply_to: int | None

    @staticmethod
    def of(message: Message) -> "MessageOut":
        return MessageOut(
            id=message.pk,
            direction=message.direction,
            contact=message.contact.full_name,
            body=message.body,
            sent_at=message.sent_at,
            read_at=message.read_at,
            reply_to=message.reply_to_id,
        )


class ReplyIn(Schema):
    body: str = Field(max_length=4000)
    idempotency_key: str = Field(description="Made by the device when the form is shown; resend it on a retry")


@router.get("/messages", response={200: list[MessageOut], **ERRORS}, summary="The resident's messages and replies")
@requires(USE_CONTACTS)
def my_messages(request: HttpRequest) -> list[MessageOut]:
    return [MessageOut.of(m) for m in selectors.own_messages(user=acting_user(request))]


@router.post(
    "/messages/{message_id}/reply",
    response={200: MessageOut, 201: MessageOut, **WRITE_ERRORS},
    summary="Reply to a message (emailed to the family member; idempotent)",
    auth=CONTACTS_FIRST,
)
@requires(USE_CONTACTS)
def message_reply(request: HttpRequest, message_id: int, payload: ReplyIn) -> Status[MessageOut]:
    user = acting_user(request)
    before = selectors.own_messages(user=user).filter(idempotency_key=f"{user.pk}:{payload.idempotency_key.strip()}")
    existed = before.exists()
    reply = services.message_reply(
        user=user, message_id=message_id, body=payload.body, idempotency_key=payload.idempotency_key
    )
    return Status(200 if existed else 201, MessageOut.of(reply))
