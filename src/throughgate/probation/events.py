"""Activity kinds and audit actions of the probation app (registered here, documented in docs/events.md). The kinds
are named ``*_KIND``."""

from django.utils.translation import gettext_lazy

from throughgate.core import activity, audit

RELEASE_COMPLETED_KIND = activity.register_kind("release.completed", "Released from custody to probation supervision")
CHECKIN_SUBMITTED_KIND = activity.register_kind("checkin.submitted", "A probation check-in was answered")
CHECKIN_MISSED_KIND = activity.register_kind("checkin.missed", "A probation check-in was not answered in time")
APPOINTMENT_ATTENDED_KIND = activity.register_kind("appointment.attended", "Attended a probation appointment")
APPOINTMENT_MISSED_KIND = activity.register_kind(
    "appointment.missed", "Failed to attend a probation appointment without an acceptable reason"
)

PASSPORT_STARTED = audit.register_action("probation.passport.started", gettext_lazy("Started a resettlement passport"))
PASSPORT_VIEWED = audit.register_action("probation.passport.viewed", gettext_lazy("Read a resettlement passport"))
PATHWAY_UPDATED = audit.register_action(
    "probation.passport.pathway_updated", gettext_lazy("Changed the status of a resettlement pathway")
)
ASSESSMENT_SELF_ANSWERED = audit.register_action(
    "probation.assessment.self_answered", gettext_lazy("A person answered their part of a resettlement assessment")
)
ASSESSMENT_STAFF_ANSWERED = audit.register_action(
    "probation.assessment.staff_answered", gettext_lazy("Staff answered or completed a resettlement assessment")
)
TODO_ADDED = audit.register_action("probation.todo.added", gettext_lazy("Added an item to a person's to-do list"))
TODO_DONE = audit.register_action("probation.todo.done", gettext_lazy("Marked an item on a to-do list as done"))
RELEASE_COMPLETED = audit.register_action(
    "probation.release.completed", gettext_lazy("Released a person to probation supervision")
)
RECALL_COMPLETED = audit.register_action("probation.recall.completed", gettext_lazy("Recalled a person to custody"))
SIGN_IN_CODE_SENT = audit.register_action(
    "probation.sign_in.code_sent", gettext_lazy("Sent a sign-in code to a person on probation")
)
CONTACT_SET = audit.register_action(
    "probation.contact.set", gettext_lazy("Set the phone number or email a person on probation signs in with")
)
SCHEDULE_SET = audit.register_action("probation.checkin.schedule_set", gettext_lazy("Set how often a person checks in"))
CHECKIN_SUBMITTED = audit.register_action("probation.checkin.submitted", gettext_lazy("Answered a check-in"))
CHECKIN_REVIEWED = audit.register_action("probation.checkin.reviewed", gettext_lazy("Reviewed a check-in"))
CHECKINS_CREATED = audit.register_action(
    "probation.checkin.created", gettext_lazy("The schedule made check-ins that are due")
)
CHECKIN_EXPIRED = audit.register_action(
    "probation.checkin.expired", gettext_lazy("A check-in was not answered in time and a task was made")
)
CASELOAD_VIEWED = audit.register_action("probation.caseload.viewed", gettext_lazy("A practitioner read their caseload"))
CASE_VIEWED = audit.register_action("probation.case.viewed", gettext_lazy("A practitioner read one person's case"))
TASK_DONE = audit.register_action("probation.task.done", gettext_lazy("Closed a practitioner's task"))
APPOINTMENT_BOOKED = audit.register_action(
    "probation.appointment.booked", gettext_lazy("Booked a probation appointment")
)
APPOINTMENT_ANSWERED = audit.register_action(
    "probation.appointment.answered", gettext_lazy("A person confirmed an appointment or asked to change it")
)
APPOINTMENT_OUTCOME = audit.register_action(
    "probation.appointment.outcome", gettext_lazy("Recorded what happened at a probation appointment")
)
