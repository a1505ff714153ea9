"""Reads of secure messages, scoped: a resident sees released messages to them and their own replies (a held or
refused message never); a family member the messages of their own approved contacts; security the held messages and
rules of an establishment they may act in (reading a held message is audited)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from throughgate.contact import events
from throughgate.contact.contacts.models import Contact
from throughgate.contact.messages.models import Direction, Message, MessageStatus, ModerationRule
from throughgate.contact.permissions import MODERATE_MESSAGES, USE_CONTACTS
from throughgate.core import audit
from throughgate.core.errors import NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people.selectors import own_record_for


def own_messages(*, user: User) -> QuerySet[Message]:
    """A resident's inbox: released messages from family, and their own replies. Never a held or refused one."""
    person = own_record_for(user=user, permission=USE_CONTACTS)
    return Message.objects.filter(person=person, status=MessageStatus.RELEASED).select_related("contact")


def own_message(*, user: User, message_id: int) -> Message:
    found = own_messages(user=user).filter(pk=message_id, direction=Direction.IN).first()
    if found is None:
        raise NotVisible(_("No message found"))
    return found


def family_thread(*, contact: Contact) -> QuerySet[Message]:
    """Every message between a family member's own approved contact record and the resident (``contact`` comes from
    contacts.selectors.family_contact): what they sent, in any state, and the replies to them."""
    return Message.objects.filter(contact=contact).exclude(direction=Direction.OUT, status=MessageStatus.HELD)


def _ensure_security(user: User, establishment: Establishment | None) -> Establishment:
    if establishment is None or not user.has_perm(MODERATE_MESSAGES) or not staff_may_act_in(user, establishment):
        raise NotVisible(_("No message found"))
    return establishment


def held_messages(*, user: User, establishment: Establishment | None) -> QuerySet[Message]:
    place = _ensure_security(user, establishment)
    return (
        Message.objects.filter(person__establishment=place, status=MessageStatus.HELD)
        .select_related("person", "contact")
        .order_by("sent_at", "pk")
    )


def held_message(*, user: User, establishment: Establishment | None, message_id: int) -> Message:
    found = held_messages(user=user, establishment=establishment).filter(pk=message_id).first()
    if found is None:
        raise NotVisible(_("No message found"))
    audit.record(action=events.MESSAGE_VIEWED, actor=user, subject=found.person.prison_number, obj=found)
    return found


def rules_of(*, user: User, establishment: Establishment | None) -> QuerySet[ModerationRule]:
    place = _ensure_security(user, establishment)
    return ModerationRule.objects.filter(establishment=place)


def active_rules(establishment_id: int) -> list[ModerationRule]:
    return list(ModerationRule.objects.filter(establishment_id=establishment_id, active=True))
