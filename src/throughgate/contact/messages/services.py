"""Secure messages writes: a family member writes to the resident of their own approved contact (stored once per
key; held when a moderation rule matches, delivered otherwise); security releases or refuses a held message (the
sender reads the reason); the resident reads and replies, and the reply is emailed to the family member."""

from __future__ import annotations

import re

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.contact import events
from throughgate.contact.contacts.models import Contact, ContactStatus
from throughgate.contact.messages import rules, selectors
from throughgate.contact.messages.models import Direction, Message, MessageStatus, ModerationRule
from throughgate.contact.permissions import MODERATE_MESSAGES, USE_CONTACTS, USE_FAMILY_SITE
from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition, NotVisible
from throughgate.core.idempotency import clean_idempotency_key
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in

MAX_LENGTH = 4000


def _clean_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise InvalidInput(_("Write your message."), code="empty", field="body")
    if len(text) > MAX_LENGTH:
        raise InvalidInput(
            _("Your message is too long. Keep it under %(n)s characters.") % {"n": MAX_LENGTH},
            code="long",
            field="body",
        )
    return text


def _stored(by: User, key: str) -> tuple[str, Message | None]:
    stored_key = f"{by.pk}:{clean_idempotency_key(key)}"
    return stored_key, Message.objects.filter(idempotency_key=stored_key).first()


def message_send(*, user: User, contact: Contact, body: str, idempotency_key: str) -> Message:
    """A family member writes to the resident of ``contact`` (their own approved contact record, from
    contacts.selectors.family_contact). A message that breaks a moderation rule waits for security."""
    ensure_can(user, USE_FAMILY_SITE)
    if not user.is_family_member or contact.status != ContactStatus.APPROVED:
        raise NotVisible(_("No one found"))
    stored_key, existing = _stored(user, idempotency_key)
    if existing is not None:
        return existing
    text = _clean_body(body)
    held = rules.broken_by(text, selectors.active_rules(contact.person.establishment_id or 0))
    try:
        with transaction.atomic():
            message = Message.objects.create(
                contact=contact,
                person=contact.person,
                direction=Direction.IN,
                body=text,
                status=MessageStatus.HELD if held else MessageStatus.RELEASED,
                held_because=held,
                sent_at=timezone.now(),
                sent_by=user,
                idempotency_key=stored_key,
            )
            audit.record(
                action=events.MESSAGE_HELD if held else events.MESSAGE_SENT,
                actor=user,
                subject=contact.person.prison_number,
                obj=message,
                detail={"message": message.pk, "held_because": held} if held else {"message": message.pk},
            )
    except IntegrityError:
        _key, existing = _stored(user, idempotency_key)
        if existing is None:
            raise
        return existing
    return message


def _locked_held(by: User, message: Message) -> Message:
    ensure_can(by, MODERATE_MESSAGES)
    if not staff_may_act_in(by, message.person.establishment):
        raise NotVisible(_("No message found"))
    locked = Message.objects.select_for_update().select_related("person").get(pk=message.pk)
    if locked.status != MessageStatus.HELD:
        raise InvalidTransition(_("This message has already been decided."), code="already_decided")
    return locked


@transaction.atomic
def message_release(*, by: User, message: Message) -> Message:
    message = _locked_held(by, message)
    message.status = MessageStatus.RELEASED
    message.decided_by = by
    message.decided_at = timezone.now()
    message.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(action=events.MESSAGE_RELEASED, actor=by, subject=message.person.prison_number, obj=message)
    return message


@transaction.atomic
def message_refuse(*, by: User, message: Message, reason: str) -> Message:
    if not reason.strip():
        raise InvalidInput(_("Enter the reason. The sender will read it."), code="reason", field="reason")
    message = _locked_held(by, message)
    message.status = MessageStatus.REFUSED
    message.refusal_reason = reason.strip()
    message.decided_by = by
    message.decided_at = timezone.now()
    message.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at"])
    audit.record(
        action=events.MESSAGE_REFUSED,
        actor=by,
        subject=message.person.prison_number,
        obj=message,
        detail={"reason": message.refusal_reason},
    )
    return message


def message_read(*, user: User, message_id: int) -> Message:
    """The resident opens a released message (the first opening is recorded)."""
    message = selectors.own_message(user=user, message_id=message_id)
    if message.read_at is None:
        with transaction.atomic():
            message.read_at = timezone.now()
            message.save(update_fields=["read_at"])
            audit.record(action=events.MESSAGE_READ, actor=user, subject=message.person.prison_number, obj=message)
    return message


def message_reply(*, user: User, message_id: int, body: str, idempotency_key: str) -> Message:
    """The resident replies to a released message; the reply is emailed to the family member and shown on the family
    site."""
    ensure_can(user, USE_CONTACTS)
    original = selectors.own_message(user=user, message_id=message_id)
    stored_key, existing = _stored(user, idempotency_key)
    if existing is not None:
        return existing
    text = _clean_body(body)
    contact = original.contact
    if contact.status != ContactStatus.APPROVED:
        raise InvalidTransition(_("You cannot write to this person now."), code="not_approved")
    try:
        with transaction.atomic():
            reply = Message.objects.create(
                contact=contact,
                person=original.person,
                direction=Direction.OUT,
                body=text,
                status=MessageStatus.RELEASED,
                sent_at=timezone.now(),
                sent_by=user,
                idempotency_key=stored_key,
                reply_to=original,
            )
            audit.record(action=events.MESSAGE_REPLIED, actor=user, subject=original.person.prison_number, obj=reply)
            address, name, reply_text = contact.email, original.person.first_name, text
            if address:
                transaction.on_commit(lambda: _email_reply(address, name, reply_text))
    except IntegrityError:
        _key, existing = _stored(user, idempotency_key)
        if existing is None:
            raise
        return existing
    return reply


def _email_reply(address: str, name: str, text: str) -> None:
    send_mail(
        subject=_("A reply from %(name)s") % {"name": name},
        message=_("%(name)s wrote back:\n\n%(text)s\n\nYou can also read it on the family site.")
        % {"name": name, "text": text},
        from_email=None,
        recipient_list=[address],
    )


@transaction.atomic
def rule_add(*, by: User, establishment: Establishment, pattern: str, is_regex: bool, reason: str) -> ModerationRule:
    ensure_can(by, MODERATE_MESSAGES)
    if not staff_may_act_in(by, establishment):
        raise NotVisible(_("No message found"))
    if not pattern.strip():
        raise InvalidInput(_("Enter a word, phrase or pattern."), code="pattern", field="pattern")
    if is_regex:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise InvalidInput(
                _("This pattern does not work: %(error)s") % {"error": exc}, code="regex", field="pattern"
            ) from exc
    if not reason.strip():
        raise InvalidInput(_("Enter the reason."), code="reason", field="reason")
    rule = ModerationRule.objects.create(
        establishment=establishment, pattern=pattern.strip(), is_regex=is_regex, reason=reason.strip(), created_by=by
    )
    audit.record(action=events.RULE_SAVED, actor=by, obj=rule, detail={"pattern": rule.pattern, "regex": is_regex})
    return rule
