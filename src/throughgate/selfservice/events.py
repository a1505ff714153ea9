"""Activity kinds and audit actions of the self-service app (registered here, documented in docs/events.md). The kinds
are named ``*_KIND``: several audit actions have the same name."""

from django.utils.translation import gettext_lazy

from throughgate.core import activity, audit

APP_SUBMITTED_KIND = activity.register_kind("app.submitted", "An app (request to staff) was raised")
APP_RESPONDED_KIND = activity.register_kind("app.responded", "Staff answered an app")
COMPLAINT_SUBMITTED_KIND = activity.register_kind("complaint.submitted", "A complaint was made")
MEAL_CHOSEN_KIND = activity.register_kind("meal.chosen", "A meal choice was made")
CANTEEN_ORDERED_KIND = activity.register_kind("canteen.ordered", "A canteen order was placed", "pounds")
MONEY_RECEIVED_KIND = activity.register_kind("money.received", "Money arrived in the person's account", "pounds")
ACTIVITY_ATTENDED_KIND = activity.register_kind("activity.attended", "Attended work, education or another activity")
ACTIVITY_REFUSED_KIND = activity.register_kind("activity.refused", "Refused to attend an activity")
CONTENT_VIEWED_KIND = activity.register_kind("content.viewed", "Opened an item in the content library")

APP_SUBMITTED = audit.register_action("selfservice.app.submitted", gettext_lazy("Raised an app"))
APP_STARTED = audit.register_action("selfservice.app.started", gettext_lazy("Started work on an app"))
APP_FORWARDED = audit.register_action("selfservice.app.forwarded", gettext_lazy("Passed an app to another department"))
APP_COMMENTED = audit.register_action("selfservice.app.commented", gettext_lazy("Added a comment to an app"))
APP_RESPONDED = audit.register_action("selfservice.app.responded", gettext_lazy("Answered an app"))
APP_ASSIGNED = audit.register_action("selfservice.app.assigned", gettext_lazy("Assigned an app to a member of staff"))
APP_ESCALATED = audit.register_action(
    "selfservice.app.escalated", gettext_lazy("An overdue app went to the department lead")
)
APP_VIEWED = audit.register_action("selfservice.app.viewed", gettext_lazy("Staff read an app"))
APP_QUEUE_VIEWED = audit.register_action(
    "selfservice.app.queue.viewed",
    gettext_lazy("Staff read a list of apps (how many, and which prison, in the detail)"),
)
HISTORY_VIEWED = audit.register_action(
    "selfservice.history.viewed", gettext_lazy("Read a person's self-service history")
)
MONEY_CREDITED = audit.register_action("selfservice.money.credited", gettext_lazy("Paid money into a person's account"))
MONEY_DEBITED = audit.register_action("selfservice.money.debited", gettext_lazy("Took money out of a person's account"))
MONEY_TRANSFERRED = audit.register_action(
    "selfservice.money.transferred", gettext_lazy("Moved money between a person's accounts")
)
CANTEEN_ORDERED = audit.register_action("selfservice.canteen.ordered", gettext_lazy("Placed a canteen order"))
CANTEEN_DELIVERED = audit.register_action(
    "selfservice.canteen.delivered", gettext_lazy("Delivered a canteen order and refunded what was missing")
)
COMPLAINT_SUBMITTED = audit.register_action(
    "selfservice.complaint.submitted", gettext_lazy("Made a complaint or an appeal")
)
COMPLAINT_ANSWERED = audit.register_action("selfservice.complaint.answered", gettext_lazy("Answered a complaint"))
COMPLAINT_VIEWED = audit.register_action("selfservice.complaint.viewed", gettext_lazy("Staff read a complaint"))
COMPLAINT_QUEUE_VIEWED = audit.register_action(
    "selfservice.complaint.queue.viewed",
    gettext_lazy("Staff read a list of complaints (how many, and which prison, in the detail)"),
)
COMPLAINT_ESCALATED = audit.register_action(
    "selfservice.complaint.escalated", gettext_lazy("An overdue complaint went to the governor")
)
MONEY_VIEWED = audit.register_action("selfservice.money.viewed", gettext_lazy("Finance staff read a person's accounts"))
DEPARTMENT_SAVED = audit.register_action(
    "selfservice.setup.department_saved", gettext_lazy("Added or changed a department")
)
APP_TYPE_SAVED = audit.register_action("selfservice.setup.app_type_saved", gettext_lazy("Added or changed an app type"))
COMPLAINT_SETTINGS_SAVED = audit.register_action(
    "selfservice.setup.complaint_settings_saved", gettext_lazy("Changed the complaint deadlines")
)
CANTEEN_ITEM_SAVED = audit.register_action(
    "selfservice.setup.canteen_item_saved", gettext_lazy("Added or changed a canteen item, its price or its stock")
)
CONTENT_UPLOADED = audit.register_action(
    "selfservice.content.uploaded", gettext_lazy("Added an item to the content library")
)
CONTENT_PUBLISHED = audit.register_action(
    "selfservice.content.published", gettext_lazy("Published a content library item")
)
CONTENT_WITHDRAWN = audit.register_action(
    "selfservice.content.withdrawn", gettext_lazy("Withdrew a content library item")
)
CONTENT_VIEWED = audit.register_action(
    "selfservice.content.viewed", gettext_lazy("A resident opened a content library item")
)
NOTICE_SAVED = audit.register_action("selfservice.notice.saved", gettext_lazy("Put up or changed a notice"))
NOTICE_WITHDRAWN = audit.register_action("selfservice.notice.withdrawn", gettext_lazy("Took down a notice"))
ACTIVITY_CREATED = audit.register_action("selfservice.activity.created", gettext_lazy("Set up an activity"))
SCHEDULE_ADDED = audit.register_action(
    "selfservice.activity.scheduled", gettext_lazy("Added a weekly session to an activity")
)
PERSON_ALLOCATED = audit.register_action(
    "selfservice.activity.allocated", gettext_lazy("Allocated a person to an activity")
)
ALLOCATION_ENDED = audit.register_action(
    "selfservice.activity.allocation_ended", gettext_lazy("Ended a person's allocation")
)
ATTENDANCE_RECORDED = audit.register_action(
    "selfservice.attendance.recorded", gettext_lazy("Recorded attendance at a session")
)
ATTENDANCE_CHANGED = audit.register_action(
    "selfservice.attendance.changed", gettext_lazy("Changed a recorded attendance")
)
MEALS_CHOSEN = audit.register_action("selfservice.meals.chosen", gettext_lazy("Picked meals for a week"))
MENU_SAVED = audit.register_action(
    "selfservice.meals.menu_saved", gettext_lazy("Added a week's menu or changed its dishes")
)
MENU_PUBLISHED = audit.register_action("selfservice.meals.menu_published", gettext_lazy("Published a week's menu"))
MEAL_SETTINGS_SAVED = audit.register_action(
    "selfservice.meals.settings_saved", gettext_lazy("Changed when meal choices close")
)
DIET_RECORDED = audit.register_action(
    "selfservice.meals.diet_recorded", gettext_lazy("Recorded or changed a person's diet")
)
DIETS_VIEWED = audit.register_action(
    "selfservice.meals.diets_viewed", gettext_lazy("Read the recorded diets of an establishment")
)
