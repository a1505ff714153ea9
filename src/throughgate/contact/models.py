"""The contact app's models, from each feature package, so Django finds them."""

from throughgate.contact.contacts.models import Contact, Restriction
from throughgate.contact.family.models import FamilyAccount
from throughgate.contact.visits.models import Visit, VisitAllowance, VisitSession, VisitSlot

__all__ = ["Contact", "FamilyAccount", "Restriction", "Visit", "VisitAllowance", "VisitSession", "VisitSlot"]
