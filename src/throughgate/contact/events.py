"""Activity kinds and audit actions of the contact app (documented in docs/events.md). AIM's visit and phone-call
indicators read ``visit.attended``, ``visit.cancelled`` and ``phone.call`` (welfare/indicators.py)."""

from django.utils.translation import gettext_lazy

from throughgate.core import activity, audit

VISIT_ATTENDED_KIND = activity.register_kind("visit.attended", "A social visit took place")
VISIT_CANCELLED_KIND = activity.register_kind(
    "visit.cancelled", "A booked social visit was cancelled, or did not take place (the reason in the payload)"
)
PHONE_CALL_KIND = activity.register_kind("phone.call", "A PIN-phone call was made", "minutes")

CONTACT_REQUESTED = audit.register_action("contact.contact.requested", gettext_lazy("Asked to add a contact"))
CONTACT_APPROVED = audit.register_action("contact.contact.approved", gettext_lazy("Approved a contact"))
CONTACT_REFUSED = audit.register_action("contact.contact.refused", gettext_lazy("Refused a contact"))
CONTACT_REMOVED = audit.register_action("contact.contact.removed", gettext_lazy("Removed an approved contact"))
CONTACTS_VIEWED = audit.register_action(
    "contact.contact.viewed", gettext_lazy("Staff read a person's contacts and restrictions")
)
RESTRICTION_RECORDED = audit.register_action(
    "contact.restriction.recorded", gettext_lazy("Recorded a contact restriction")
)
RESTRICTION_ENDED = audit.register_action("contact.restriction.ended", gettext_lazy("Ended a contact restriction"))
SESSION_SAVED = audit.register_action("contact.visits.session_saved", gettext_lazy("Added a visiting session"))
ALLOWANCE_SAVED = audit.register_action(
    "contact.visits.allowance_saved", gettext_lazy("Set the monthly visits for an incentive level")
)
VISIT_BOOKED = audit.register_action("contact.visit.booked", gettext_lazy("Booked a visit"))
VISIT_CANCELLED = audit.register_action("contact.visit.cancelled", gettext_lazy("Cancelled a visit"))
VISIT_ARRIVED = audit.register_action("contact.visit.arrived", gettext_lazy("Recorded visitors' arrival"))
VISIT_OUTCOME = audit.register_action("contact.visit.outcome", gettext_lazy("Recorded how a visit went"))
VISITS_VIEWED = audit.register_action(
    "contact.visit.list_viewed", gettext_lazy("Staff read a list of visits (which prison and day in the detail)")
)
FAMILY_SIGNED_UP = audit.register_action("contact.family.signed_up", gettext_lazy("Made a family-site account"))
FAMILY_CONFIRMED = audit.register_action(
    "contact.family.confirmed", gettext_lazy("Confirmed a family-site email address")
)
FAMILY_SIGNED_IN = audit.register_action("contact.family.signed_in", gettext_lazy("Signed in to the family site"))
MESSAGE_SENT = audit.register_action("contact.message.sent", gettext_lazy("Sent a message to a person in prison"))
MESSAGE_HELD = audit.register_action("contact.message.held", gettext_lazy("A moderation rule held a message"))
MESSAGE_RELEASED = audit.register_action("contact.message.released", gettext_lazy("Released a held message"))
MESSAGE_REFUSED = audit.register_action("contact.message.refused", gettext_lazy("Refused a held message"))
MESSAGE_READ = audit.register_action("contact.message.read", gettext_lazy("A resident read a message"))
MESSAGE_REPLIED = audit.register_action("contact.message.replied", gettext_lazy("A resident replied to a message"))
MESSAGE_VIEWED = audit.register_action("contact.message.viewed", gettext_lazy("Staff read a held message"))
RULE_SAVED = audit.register_action("contact.message.rule_saved", gettext_lazy("Added or changed a moderation rule"))
