"""The selfservice app's models, one module per feature (``<feature>/models.py``). Importing them here is how
Django finds them: they keep the ``selfservice`` app label and their tables. Import a model from its feature."""

from throughgate.selfservice.applications.models import (
    App,
    AppEvent,
    AppType,
    Department,
)
from throughgate.selfservice.complaints.models import (
    Complaint,
    ComplaintSettings,
)
from throughgate.selfservice.content.models import (
    ContentItem,
    ContentView,
    Notice,
)
from throughgate.selfservice.meals.models import (
    MealChoice,
    MealSettings,
    MealSheet,
    Menu,
    MenuOption,
    RecordedDiet,
)
from throughgate.selfservice.money.models import (
    Account,
    CanteenItem,
    CanteenOrder,
    CanteenOrderLine,
    CanteenSchedule,
    LedgerEntry,
    SpendLimit,
    TransferRule,
)
from throughgate.selfservice.timetable.models import (
    Activity,
    ActivitySchedule,
    ActivitySession,
    Allocation,
    AttendanceRecord,
)

__all__ = [
    "Account",
    "Activity",
    "ActivitySchedule",
    "ActivitySession",
    "Allocation",
    "App",
    "AppEvent",
    "AppType",
    "AttendanceRecord",
    "CanteenItem",
    "CanteenOrder",
    "CanteenOrderLine",
    "CanteenSchedule",
    "Complaint",
    "ComplaintSettings",
    "ContentItem",
    "ContentView",
    "Department",
    "LedgerEntry",
    "MealChoice",
    "MealSettings",
    "MealSheet",
    "Menu",
    "MenuOption",
    "Notice",
    "RecordedDiet",
    "SpendLimit",
    "TransferRule",
]
