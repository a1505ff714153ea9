"""Permissions owned by the contact app (granted to roles in identity.roles)."""

from throughgate.core.access import register_permission

USE_CONTACTS = register_permission(
    "contact.use_contacts", "A resident asks to add contacts, sees their contacts and their booked visits"
)
APPROVE_CONTACTS = register_permission(
    "contact.approve_contacts",
    "Security: check, approve or refuse residents' contacts and record contact restrictions in your establishment",
)
MANAGE_VISITS = register_permission(
    "contact.manage_visits",
    "Visits booking: set up visiting sessions and allowances, book and cancel visits in your establishment",
)
RUN_VISITS_HALL = register_permission(
    "contact.run_visits_hall", "Visits hall: see today's visits, record arrivals and outcomes in your establishment"
)
USE_FAMILY_SITE = register_permission(
    "contact.use_family_site",
    "A family member books visits and writes to the residents they are an approved contact of",
)
MODERATE_MESSAGES = register_permission(
    "contact.moderate_messages",
    "Security: read held messages, release or refuse them, and set the moderation rules in your establishment",
)
