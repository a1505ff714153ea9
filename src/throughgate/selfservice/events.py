"""Audit actions of the self-service app. Activity kinds (app.submitted, app.responded, ...) are registered in
core.activity, because AIM reads them too."""

from throughgate.core import audit

APP_SUBMITTED = audit.register_action("selfservice.app.submitted", "Raised an app")
APP_STARTED = audit.register_action("selfservice.app.started", "Started work on an app")
APP_FORWARDED = audit.register_action("selfservice.app.forwarded", "Passed an app to another department")
APP_COMMENTED = audit.register_action("selfservice.app.commented", "Added a comment to an app")
APP_RESPONDED = audit.register_action("selfservice.app.responded", "Answered an app")
APP_ASSIGNED = audit.register_action("selfservice.app.assigned", "Assigned an app to a member of staff")
APP_ESCALATED = audit.register_action("selfservice.app.escalated", "An overdue app went to the department lead")
APP_VIEWED = audit.register_action("selfservice.app.viewed", "Staff read an app")
HISTORY_VIEWED = audit.register_action("selfservice.history.viewed", "Read a person's self-service history")
MONEY_CREDITED = audit.register_action("selfservice.money.credited", "Paid money into a person's account")
MONEY_DEBITED = audit.register_action("selfservice.money.debited", "Took money out of a person's account")
MONEY_TRANSFERRED = audit.register_action("selfservice.money.transferred", "Moved money between a person's accounts")
CANTEEN_ORDERED = audit.register_action("selfservice.canteen.ordered", "Placed a canteen order")
CANTEEN_DELIVERED = audit.register_action(
    "selfservice.canteen.delivered", "Delivered a canteen order and refunded what was missing"
)
COMPLAINT_SUBMITTED = audit.register_action("selfservice.complaint.submitted", "Made a complaint or an appeal")
COMPLAINT_ANSWERED = audit.register_action("selfservice.complaint.answered", "Answered a complaint")
COMPLAINT_VIEWED = audit.register_action("selfservice.complaint.viewed", "Staff read a complaint")
COMPLAINT_ESCALATED = audit.register_action(
    "selfservice.complaint.escalated", "An overdue complaint went to the governor"
)
MONEY_VIEWED = audit.register_action("selfservice.money.viewed", "Finance staff read a person's accounts")
DEPARTMENT_SAVED = audit.register_action("selfservice.setup.department_saved", "Added or changed a department")
APP_TYPE_SAVED = audit.register_action("selfservice.setup.app_type_saved", "Added or changed an app type")
COMPLAINT_SETTINGS_SAVED = audit.register_action(
    "selfservice.setup.complaint_settings_saved", "Changed the complaint deadlines"
)
CANTEEN_ITEM_SAVED = audit.register_action(
    "selfservice.setup.canteen_item_saved", "Added or changed a canteen item, its price or its stock"
)
CONTENT_UPLOADED = audit.register_action("selfservice.content.uploaded", "Added an item to the content library")
CONTENT_PUBLISHED = audit.register_action("selfservice.content.published", "Published a content library item")
CONTENT_WITHDRAWN = audit.register_action("selfservice.content.withdrawn", "Withdrew a content library item")
CONTENT_VIEWED = audit.register_action("selfservice.content.viewed", "A resident opened a content library item")
NOTICE_SAVED = audit.register_action("selfservice.notice.saved", "Put up or changed a notice")
NOTICE_WITHDRAWN = audit.register_action("selfservice.notice.withdrawn", "Took down a notice")
ACTIVITY_CREATED = audit.register_action("selfservice.activity.created", "Set up an activity")
SCHEDULE_ADDED = audit.register_action("selfservice.activity.scheduled", "Added a weekly session to an activity")
PERSON_ALLOCATED = audit.register_action("selfservice.activity.allocated", "Allocated a person to an activity")
ALLOCATION_ENDED = audit.register_action("selfservice.activity.allocation_ended", "Ended a person's allocation")
ATTENDANCE_RECORDED = audit.register_action("selfservice.attendance.recorded", "Recorded attendance at a session")
ATTENDANCE_CHANGED = audit.register_action("selfservice.attendance.changed", "Changed a recorded attendance")
MEALS_CHOSEN = audit.register_action("selfservice.meals.chosen", "Picked meals for a week")
MENU_SAVED = audit.register_action("selfservice.meals.menu_saved", "Added a week's menu or changed its dishes")
MENU_PUBLISHED = audit.register_action("selfservice.meals.menu_published", "Published a week's menu")
MEAL_SETTINGS_SAVED = audit.register_action("selfservice.meals.settings_saved", "Changed when meal choices close")
DIET_RECORDED = audit.register_action("selfservice.meals.diet_recorded", "Recorded or changed a person's diet")
DIETS_VIEWED = audit.register_action("selfservice.meals.diets_viewed", "Read the recorded diets of an establishment")
