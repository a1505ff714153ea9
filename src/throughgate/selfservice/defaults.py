"""The departments and app types a new establishment starts with. Each establishment can change them (they are
rows, not code): names in English and Welsh, the department, the response target, one open app at a time."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from throughgate.identity.models import Establishment
from throughgate.selfservice.models import AppType, Department


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
