"""The departments and app types a new establishment starts with. Each establishment can change them (they are
rows, not code): names in English and Welsh, the department, the response target, one open app at a time."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from throughgate.identity.models import Establishment
from throughgate.selfservice.applications.models import AppType, Department
from throughgate.selfservice.money.models import AccountKind, CanteenItem, CanteenSchedule, SpendLimit, TransferRule


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    name_cy: str


@dataclass(frozen=True)
class AppTypeSpec:
    code: str
    name: str
    name_cy: str
    hint: str
    hint_cy: str
    department: str
    response_days: int
    one_pending: bool


DEPARTMENTS = (
    DepartmentSpec("wing", "Wing staff", "Staff yr adain"),
    DepartmentSpec("healthcare", "Healthcare", "Gofal iechyd"),
    DepartmentSpec("property", "Property", "Eiddo"),
    DepartmentSpec("chaplaincy", "Chaplaincy", "Caplaniaeth"),
    DepartmentSpec("pin_phone", "PIN phone contacts", "Cysylltiadau ffôn PIN"),
    DepartmentSpec("finance", "Finance", "Cyllid"),
    DepartmentSpec("education", "Education", "Addysg"),
)

APP_TYPES = (
    AppTypeSpec(
        "doctor",
        "See a doctor or nurse",
        "Gweld meddyg neu nyrs",
        "If you are ill or hurt",
        "Os ydych chi'n sâl neu wedi brifo",
        "healthcare",
        3,
        True,
    ),
    AppTypeSpec(
        "property",
        "Get my things",
        "Cael fy mhethau",
        "Things kept in store for you",
        "Pethau sy'n cael eu cadw i chi",
        "property",
        10,
        False,
    ),
    AppTypeSpec(
        "chaplain",
        "See the chaplain",
        "Gweld y caplan",
        "Faith, prayer or a chat",
        "Ffydd, gweddi neu sgwrs",
        "chaplaincy",
        5,
        False,
    ),
    AppTypeSpec(
        "phone_number",
        "Add a phone number",
        "Ychwanegu rhif ffôn",
        "A number you want to call",
        "Rhif rydych chi eisiau ei ffonio",
        "pin_phone",
        5,
        True,
    ),
    AppTypeSpec(
        "money",
        "Ask about my money",
        "Gofyn am fy arian",
        "Your account or a payment",
        "Eich cyfrif neu daliad",
        "finance",
        5,
        False,
    ),
    AppTypeSpec(
        "education",
        "Join a class",
        "Ymuno â dosbarth",
        "Learn a skill or a subject",
        "Dysgu sgil neu bwnc",
        "education",
        10,
        False,
    ),
    AppTypeSpec(
        "wing",
        "Ask the wing staff",
        "Gofyn i staff yr adain",
        "Anything else on the wing",
        "Unrhyw beth arall ar yr adain",
        "wing",
        3,
        False,
    ),
)


@transaction.atomic
def install_defaults(*, establishment: Establishment) -> None:
    """Create the default departments and app types of an establishment (existing rows are left as they are)."""
    departments: dict[str, Department] = {}
    for department in DEPARTMENTS:
        departments[department.code], _created = Department.objects.get_or_create(
            establishment=establishment,
            code=department.code,
            defaults={"name": department.name, "name_cy": department.name_cy},
        )
    for order, spec in enumerate(APP_TYPES, start=1):
        AppType.objects.get_or_create(
            establishment=establishment,
            code=spec.code,
            defaults={
                "name": spec.name,
                "name_cy": spec.name_cy,
                "hint": spec.hint,
                "hint_cy": spec.hint_cy,
                "department": departments[spec.department],
                "response_days": spec.response_days,
                "one_pending": spec.one_pending,
                "order": order * 10,
            },
        )


# Money and canteen. Spend limits are pence per week by incentive level; each establishment changes its own rows.
SPEND_LIMITS = {"Basic": 1000, "Standard": 2550, "Enhanced": 5100}
TRANSFER_RULES = (
    # from, to, the person may do it on a kiosk, weekly cap in pence (None: no cap)
    (AccountKind.PRIVATE_CASH, AccountKind.SPENDS, True, 2000),
    (AccountKind.SPENDS, AccountKind.SAVINGS, True, None),
    (AccountKind.SAVINGS, AccountKind.SPENDS, False, None),
    (AccountKind.PRIVATE_CASH, AccountKind.SAVINGS, True, None),
)
CANTEEN_ITEMS = (
    ("tea", "Tea bags (40)", "Bagiau te (40)", 125),
    ("coffee", "Instant coffee", "Coffi parod", 210),
    ("biscuits", "Digestive biscuits", "Bisgedi treulio", 95),
    ("noodles", "Noodles", "Nwdls", 45),
    ("tuna", "Tuna (tin)", "Tiwna (tun)", 110),
    ("fruit", "Apples (4)", "Afalau (4)", 120),
    ("shampoo", "Shampoo", "Siampŵ", 150),
    ("stamps", "Second class stamps (4)", "Stampiau ail ddosbarth (4)", 340),
    ("phone_credit", "Phone credit £5", "Credyd ffôn £5", 500),
)


@transaction.atomic
def install_money_defaults(*, establishment: Establishment, stock: int = 200) -> None:
    """Spend limits, transfer rules, a Wednesday-noon canteen cut-off and a small canteen list."""
    for level, pence in SPEND_LIMITS.items():
        SpendLimit.objects.get_or_create(
            establishment=establishment, incentive_level=level, defaults={"weekly_limit": pence}
        )
    for from_kind, to_kind, resident_may, weekly in TRANSFER_RULES:
        TransferRule.objects.get_or_create(
            establishment=establishment,
            from_kind=from_kind,
            to_kind=to_kind,
            defaults={"resident_may": resident_may, "weekly_limit": weekly},
        )
    CanteenSchedule.objects.get_or_create(establishment=establishment)
    for order, (code, name, name_cy, price) in enumerate(CANTEEN_ITEMS, start=1):
        CanteenItem.objects.get_or_create(
            establishment=establishment,
            code=code,
            defaults={"name": name, "name_cy": name_cy, "price": price, "stock": stock, "order": order * 10},
        )
