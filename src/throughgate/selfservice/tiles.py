"""Home-page tiles of the self-service app."""

from django.utils.translation import gettext_lazy as _

from throughgate.identity.tiles import Tile, register_tile
from throughgate.selfservice.permissions import (
    ANSWER_APPS,
    ANSWER_COMPLAINTS,
    CONFIGURE,
    MANAGE_ACTIVITIES,
    MANAGE_CANTEEN,
    MANAGE_CONTENT,
    MANAGE_MENUS,
    MANAGE_MONEY,
    MANAGE_NOTICES,
    RECORD_ATTENDANCE,
    RECORD_DIETS,
    USE_APPS,
    USE_COMPLAINTS,
    USE_CONTENT,
    USE_MEALS,
    USE_MONEY,
    USE_TIMETABLE,
    VIEW_ACTIVITY_HOURS,
    VIEW_KITCHEN_TOTALS,
    VIEW_SELFSERVICE_HISTORY,
)

register_tile(Tile("selfservice:my_apps", _("Apps"), _("Ask staff for something"), "app", USE_APPS, "resident", 20))
register_tile(
    Tile(
        "selfservice:queue",
        _("App queue"),
        _("Answer apps sent to your departments"),
        "list",
        ANSWER_APPS,
        "staff",
        20,
    )
)
register_tile(
    Tile(
        "selfservice:money",
        _("Money"),
        _("See your money and move it"),
        "money",
        USE_MONEY,
        "resident",
        30,
    )
)
register_tile(
    Tile(
        "selfservice:canteen",
        _("Canteen"),
        _("Buy food and other things"),
        "basket",
        USE_MONEY,
        "resident",
        40,
    )
)
register_tile(
    Tile(
        "selfservice:canteen_deliveries",
        _("Canteen deliveries"),
        _("Deliver orders and refund what was missing"),
        "basket",
        MANAGE_CANTEEN,
        "staff",
        30,
    )
)
register_tile(
    Tile(
        "selfservice:my_complaints",
        _("Complaints"),
        _("Tell us when something is wrong"),
        "complaint",
        USE_COMPLAINTS,
        "resident",
        50,
    )
)
register_tile(
    Tile(
        "selfservice:complaint_queue",
        _("Complaints to answer"),
        _("Complaints by deadline, soonest first"),
        "list",
        ANSWER_COMPLAINTS,
        "staff",
        25,
    )
)
register_tile(
    Tile(
        "selfservice:finance_find",
        _("Money in and out"),
        _("Pay in money received, take out deductions"),
        "money",
        MANAGE_MONEY,
        "staff",
        35,
    )
)
register_tile(
    Tile(
        "selfservice:person_find",
        _("Self-service history"),
        _("A person's apps, complaints, money and canteen on one page"),
        "person",
        VIEW_SELFSERVICE_HISTORY,
        "staff",
        26,
    )
)
register_tile(
    Tile(
        "selfservice:setup_home",
        _("Set up self-service"),
        _("Departments, app types, complaint deadlines, canteen list"),
        "key",
        CONFIGURE,
        "staff",
        90,
    )
)
register_tile(
    Tile(
        "selfservice:my_timetable",
        _("My timetable"),
        _("See what you are doing this week"),
        "selfservice/icons/calendar.svg",
        USE_TIMETABLE,
        "resident",
        35,
    )
)
register_tile(
    Tile(
        "selfservice:timetable_registers",
        _("Registers"),
        _("Take the register for today's sessions"),
        "selfservice/icons/register.svg",
        RECORD_ATTENDANCE,
        "staff",
        40,
    )
)
register_tile(
    Tile(
        "selfservice:timetable_activities",
        _("Activities"),
        _("Set up activities and allocate people"),
        "selfservice/icons/calendar.svg",
        MANAGE_ACTIVITIES,
        "staff",
        41,
    )
)
register_tile(
    Tile(
        "selfservice:timetable_hours",
        _("Purposeful activity hours"),
        _("Hours of work, learning and gym per person and week"),
        "selfservice/icons/calendar.svg",
        VIEW_ACTIVITY_HOURS,
        "staff",
        42,
    )
)
# Content and notices.
register_tile(
    Tile(
        "selfservice:content_library",
        _("Library"),
        _("Read, watch and listen"),
        "selfservice/icons/book.svg",
        USE_CONTENT,
        "resident",
        60,
    )
)
register_tile(
    Tile(
        "selfservice:notices",
        _("Notices"),
        _("News for your wing"),
        "selfservice/icons/notice.svg",
        USE_CONTENT,
        "resident",
        65,
    )
)
register_tile(
    Tile(
        "selfservice:content_manage",
        _("Content library"),
        _("Publish articles, documents, sound and video, and group session recordings"),
        "selfservice/icons/book.svg",
        MANAGE_CONTENT,
        "staff",
        60,
    )
)
register_tile(
    Tile(
        "selfservice:notices_manage",
        _("Notices"),
        _("Put up notices for a wing or the whole prison"),
        "selfservice/icons/notice.svg",
        MANAGE_NOTICES,
        "staff",
        65,
    )
)
register_tile(
    Tile(
        "selfservice:meals",
        _("Meals"),
        _("Choose your meals for next week"),
        "selfservice/icons/meal.svg",
        USE_MEALS,
        "resident",
        45,
    )
)
register_tile(
    Tile(
        "selfservice:kitchen",
        _("Kitchen totals"),
        _("How many of each dish, per wing and day, to print"),
        "list",
        VIEW_KITCHEN_TOTALS,
        "staff",
        50,
    )
)
register_tile(
    Tile(
        "selfservice:menus",
        _("Menus"),
        _("Build and publish the weekly menus"),
        "list",
        MANAGE_MENUS,
        "staff",
        51,
    )
)
register_tile(
    Tile(
        "selfservice:diets",
        _("Diets"),
        _("Record a person's religious or medical diet"),
        "person",
        RECORD_DIETS,
        "staff",
        52,
    )
)
