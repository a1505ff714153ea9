"""What the contact app holds about a person (approved contacts, restrictions, visits, messages), for a subject
access request (registered with ``people.data_protection`` from the AppConfig)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from throughgate.people.data_protection import register_rows_section

register_rows_section(
    "contact.family",
    _("Contact with family: contacts, restrictions, visits and messages"),
    {
        "contact.Contact": "contact",
        "contact.Restriction": "restriction",
        "contact.Visit": "visit",
        "contact.Message": "message",
    },
    _(
        "Staff and family accounts are shown by their role only. Messages held by security are included: the data "
        "protection officer checks them against the exemptions before the export is sent."
    ),
)
