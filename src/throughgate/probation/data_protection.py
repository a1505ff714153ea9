"""What the probation app holds about a person (resettlement passport, assessments, check-ins, appointments, the
practitioner's tasks), for a subject access request (registered with ``people.data_protection`` from the
AppConfig)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from throughgate.people.data_protection import register_rows_section

register_rows_section(
    "probation.supervision",
    _("Resettlement and probation: passport, assessments, check-ins, appointments and tasks"),
    {
        "probation.Passport": "resettlement passport",
        "probation.PathwayState": "pathway",
        "probation.TodoItem": "to-do item",
        "probation.Assessment": "assessment",
        "probation.CheckinSchedule": "check-in schedule",
        "probation.CheckIn": "check-in",
        "probation.Appointment": "appointment",
        "probation.PractitionerTask": "practitioner task",
    },
)
