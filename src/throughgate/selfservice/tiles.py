"""Home-page tiles of the self-service app."""

from django.utils.translation import gettext_lazy as _

from throughgate.identity.tiles import Tile, register_tile

register_tile(
    Tile("selfservice:my_apps", _("Apps"), _("Ask staff for something"), "app", "selfservice.use_apps", "resident", 20)
)
register_tile(
    Tile(
        "selfservice:queue",
        _("App queue"),
        _("Answer apps sent to your departments"),
        "list",
        "selfservice.answer_apps",
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
        "selfservice.use_money",
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
        "selfservice.use_money",
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
        "selfservice.manage_canteen",
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
        "selfservice.use_complaints",
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
        "selfservice.answer_complaints",
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
        "selfservice.manage_money",
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
        "selfservice.view_history",
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
        "selfservice.configure",
        "staff",
        90,
    )
)
register_tile(
    Tile(
        "selfservice:my_timetable",
        _("My timetable"),
        _("See what you are doing this week"),
        "calendar",
        "selfservice.use_timetable",
        "resident",
        35,
    )
)
register_tile(
    Tile(
        "selfservice:timetable_registers",
        _("Registers"),
        _("Take the register for today's sessions"),
        "register",
        "selfservice.record_attendance",
        "staff",
        40,
    )
)
register_tile(
    Tile(
        "selfservice:timetable_activities",
        _("Activities"),
        _("Set up activities and allocate people"),
        "calendar",
        "selfservice.manage_activities",
        "staff",
        41,
    )
)
register_tile(
    Tile(
        "selfservice:timetable_hours",
        _("Purposeful activity hours"),
        _("Hours of work, learning and gym per person and week"),
        "calendar",
        "selfservice.view_activity_hours",
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
        "book",
        "selfservice.use_content",
        "resident",
        60,
    )
)
register_tile(
    Tile(
        "selfservice:notices",
        _("Notices"),
        _("News for your wing"),
        "notice",
        "selfservice.use_content",
        "resident",
        65,
    )
)
register_tile(
    Tile(
        "selfservice:content_manage",
        _("Content library"),
        _("Publish articles, documents, sound and video, and group session recordings"),
        "book",
        "selfservice.manage_content",
        "staff",
        60,
    )
)
register_tile(
    Tile(
        "selfservice:notices_manage",
        _("Notices"),
        _("Put up notices for a wing or the whole prison"),
        "notice",
        "selfservice.manage_notices",
        "staff",
        65,
    )
)
register_tile(
    Tile(
        "selfservice:meals",
        _("Meals"),
        _("Choose your meals for next week"),
        "meal",
        "selfservice.use_meals",
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
        "selfservice.view_kitchen_totals",
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
        "selfservice.manage_menus",
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
        "selfservice.record_diets",
        "staff",
        52,
    )
)
