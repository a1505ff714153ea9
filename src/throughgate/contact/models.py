"""The contact app's models, from each feature package, so Django finds them."""

from throughgate.contact.contacts.models import Contact, Restriction
from throughgate.contact.family.models import FamilyAccount
from throughgate.contact.messages.models import Message, ModerationRule
from throughgate.contact.visits.models import Visit, VisitAllowance, VisitSession, VisitSlot

__all__ = [
    "Contact",
    "FamilyAccount",
    "Message",
    "ModerationRule",
    "Restriction",
    "Visit",
    "VisitAllowance",
    "VisitSession",
    "VisitSlot",
]
