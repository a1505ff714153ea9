"""What record linkage holds about a person (links between their records in other agencies' systems and the
decisions about them), for a subject access request (registered with ``people.data_protection`` from the
AppConfig)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from throughgate.people.data_protection import register_rows_section

register_rows_section(
    "sharing.links",
    _("Records linked across agencies and the decisions about them"),
    {"sharing.PersonLink": "record link", "sharing.LinkDecision": "link decision"},
)
