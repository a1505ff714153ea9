"""What the learning app holds about a person (course places, assessments, badges issued), for a subject access
request (registered with ``people.data_protection`` from the AppConfig)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from throughgate.people.data_protection import register_rows_section

register_rows_section(
    "learning.courses",
    _("Learning: course places, assessments and skills passport badges"),
    {
        "learning.Enrolment": "course place",
        "learning.Assessment": "assessment",
        "learning.Credential": "badge",
    },
)
