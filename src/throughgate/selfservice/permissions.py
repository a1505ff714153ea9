"""Permissions owned by the self-service app (granted to roles in identity.roles)."""

from throughgate.core.access import register_permission

USE_APPS = register_permission("selfservice.use_apps", "A resident raises apps and reads their own")
ANSWER_APPS = register_permission(
    "selfservice.answer_apps", "Work the app queues of your departments: comment, forward, assign, answer"
)
OVERSEE_APPS = register_permission(
    "selfservice.oversee_apps", "See every department's app queue in your establishment (governors, managers)"
)
VIEW_SELFSERVICE_HISTORY = register_permission(
    "selfservice.view_history", "Read a person's self-service history on one page (audited)"
)
USE_MONEY = register_permission(
    "selfservice.use_money", "A resident sees their balances and statements, moves money by rule, orders canteen"
)
MANAGE_MONEY = register_permission(
    "selfservice.manage_money", "Finance: pay money in, take money out, move money between a person's accounts"
)
MANAGE_CANTEEN = register_permission(
    "selfservice.manage_canteen", "Canteen: deliver orders and refund what was missing"
)
USE_COMPLAINTS = register_permission("selfservice.use_complaints", "A resident makes complaints and appeals")
ANSWER_COMPLAINTS = register_permission(
    "selfservice.answer_complaints", "Answer complaints (COMP1, COMP1A) in your establishment"
)
READ_CONFIDENTIAL_COMPLAINTS = register_permission(
    "selfservice.read_confidential_complaints", "See and answer confidential complaints to the governor (COMP2)"
)
CONFIGURE = register_permission(
    "selfservice.configure",
    "Set up self-service in your establishment: departments, app types, complaint deadlines, the canteen list",
)
USE_CONTENT = register_permission(
    "selfservice.use_content", "A resident reads, watches and listens to the content library, sessions and notices"
)
MANAGE_CONTENT = register_permission(
    "selfservice.manage_content",
    "Publish and withdraw content library items and recorded group sessions in your establishment; see view counts",
)
MANAGE_NOTICES = register_permission(
    "selfservice.manage_notices", "Put up, change and take down wing notices in your establishment"
)
MANAGE_PRISON_NOTICES = register_permission(
    "selfservice.manage_prison_notices", "Put up, change and take down notices for the whole establishment"
)
USE_MEALS = register_permission(
    "selfservice.use_meals", "A resident sees the menu and picks their meals for next week before the cut-off"
)
MANAGE_MENUS = register_permission(
    "selfservice.manage_menus", "Build and publish an establishment's weekly menus and set when choices close"
)
VIEW_KITCHEN_TOTALS = register_permission(
    "selfservice.view_kitchen_totals", "See, print and download the kitchen's meal totals per wing and day"
)
RECORD_DIETS = register_permission(
    "selfservice.record_diets", "Record a person's religious or medical diet, which limits the dishes they can pick"
)
# Timetable and attendance.
USE_TIMETABLE = register_permission("selfservice.use_timetable", "A resident sees their own timetable and hours")
RECORD_ATTENDANCE = register_permission(
    "selfservice.record_attendance", "Take session registers in your establishment: record and change attendance"
)
MANAGE_ACTIVITIES = register_permission(
    "selfservice.manage_activities",
    "Set up activities and weekly sessions, allocate people to them and end allocations",
)
VIEW_ACTIVITY_HOURS = register_permission(
    "selfservice.view_activity_hours", "See purposeful activity hours per person and week in your establishment"
)
