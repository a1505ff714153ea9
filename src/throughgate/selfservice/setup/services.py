"""Writes of the set-up pages: an establishment's departments (who is in them, who leads them), its app types, its
complaint deadlines and its canteen list. Each is one function that checks the permission and the establishment,
validates, saves in one transaction and writes an audit row with what changed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.errors import InvalidInput
from throughgate.identity.models import Establishment, User
from throughgate.selfservice import events
from throughgate.selfservice.applications.models import AppType, Department
from throughgate.selfservice.complaints.models import ComplaintSettings
from throughgate.selfservice.money.models import CanteenItem
from throughgate.selfservice.setup.selectors import governors_of, setup_establishment, staff_of

MAX_DAYS = 60  # working days: anything longer is a typing mistake
MAX_PRICE = 10_000  # pence (£100)
MAX_STOCK = 100_000


def _name(raw: str, *, field: str, required: bool = True) -> str:
    text = " ".join((raw or "").split())
    if required and not text:
        raise InvalidInput(_("Enter a name."), code="required", field=field)
    if len(text) > 100:
        raise InvalidInput(_("Use 100 characters or fewer."), code="too_long", field=field)
    return text


def _days(value: int, *, field: str) -> int:
    if not isinstance(value, int) or not 1 <= value <= MAX_DAYS:
        raise InvalidInput(
            _("Enter a number of working days from 1 to %(max)s.") % {"max": MAX_DAYS}, code="days_invalid", field=field
        )
    return value


def _new_code(model: Any, establishment: Establishment, name: str) -> str:
    base = slugify(name)[:24].strip("-") or "item"
    code, n = base, 1
    while model.objects.filter(establishment=establishment, code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}


@transaction.atomic
def department_save(
    *,
    by: User,
    establishment: Establishment | None,
    department: Department | None,
    name: str,
    name_cy: str,
    member_ids: list[int],
    lead_id: int | None,
) -> Department:
    """Add a department, or change its names, its members and its lead (who gets its overdue apps)."""
    place = setup_establishment(user=by, establishment=establishment)
    name = _name(name, field="name")
    name_cy = _name(name_cy, field="name_cy", required=False)
    staff = {user.pk: user for user in staff_of(establishment=place)}
    if any(pk not in staff for pk in member_ids):
        raise InvalidInput(_("Choose members from the staff of this prison."), code="member_invalid", field="members")
    if lead_id is not None and lead_id not in staff:
        raise InvalidInput(_("Choose a lead from the staff of this prison."), code="lead_invalid", field="lead")
    if department is not None and department.establishment_id != place.pk:
        raise InvalidInput(_("No department found"), code="department_invalid")
    before: dict[str, Any] = {}
    if department is None:
        department = Department(establishment=place, code=_new_code(Department, place, name))
    else:
        before = {
            "name": department.name,
            "name_cy": department.name_cy,
            "lead": department.lead_id,
            "members": sorted(department.members.values_list("pk", flat=True)),
        }
    created = department.pk is None
    department.name, department.name_cy, department.lead_id = name, name_cy, lead_id
    department.save()
    department.members.set([staff[pk] for pk in member_ids])
    after = {"name": name, "name_cy": name_cy, "lead": lead_id, "members": sorted(member_ids)}
    audit.record(
        action=events.DEPARTMENT_SAVED,
        actor=by,
        obj=department,
        detail={"establishment": place.code, "code": department.code, "created": created, **_changes(before, after)},
    )
    return department


@transaction.atomic
def app_type_save(
    *,
    by: User,
    establishment: Establishment | None,
    app_type: AppType | None,
    name: str,
    name_cy: str,
    hint: str,
    hint_cy: str,
    department: Department,
    response_days: int,
    one_pending: bool,
    active: bool,
) -> AppType:
    """Add an app type, or change it: names and hints, the department it goes to, the working days to answer, one open
    app at a time, offered or not. Apps already sent keep their department and deadline."""
    place = setup_establishment(user=by, establishment=establishment)
    if department.establishment_id != place.pk:
        raise InvalidInput(_("Choose a department."), code="department_invalid", field="department")
    if app_type is not None and app_type.establishment_id != place.pk:
        raise InvalidInput(_("No app type found"), code="app_type_invalid")
    clean_name = _name(name, field="name")
    fields: dict[str, Any] = {
        "name": clean_name,
        "name_cy": _name(name_cy, field="name_cy", required=False),
        "hint": " ".join((hint or "").split())[:200],
        "hint_cy": " ".join((hint_cy or "").split())[:200],
        "department_id": department.pk,
        "response_days": _days(response_days, field="response_days"),
        "one_pending": bool(one_pending),
        "active": bool(active),
    }
    before: dict[str, Any] = {}
    if app_type is None:
        app_type = AppType(establishment=place, code=_new_code(AppType, place, clean_name))
    else:
        before = {key: getattr(app_type, key) for key in fields}
    created = app_type.pk is None
    for key, value in fields.items():
        setattr(app_type, key, value)
    app_type.save()
    audit.record(
        action=events.APP_TYPE_SAVED,
        actor=by,
        obj=app_type,
        detail={"establishment": place.code, "code": app_type.code, "created": created, **_changes(before, fields)},
    )
    return app_type


@transaction.atomic
def complaint_settings_save(
    *,
    by: User,
    establishment: Establishment | None,
    comp1_days: int,
    comp1a_days: int,
    comp2_days: int,
    appeal_days: int,
    escalate_to_id: int | None,
) -> ComplaintSettings:
    """Change the establishment's complaint deadlines (working days) and who overdue complaints go to. Complaints
    already made keep their deadline."""
    place = setup_establishment(user=by, establishment=establishment)
    if escalate_to_id is not None and escalate_to_id not in {u.pk for u in governors_of(establishment=place)}:
        raise InvalidInput(
            _("Choose someone who may read confidential complaints."), code="escalate_to_invalid", field="escalate_to"
        )
    fields: dict[str, Any] = {
        "comp1_days": _days(comp1_days, field="comp1_days"),
        "comp1a_days": _days(comp1a_days, field="comp1a_days"),
        "comp2_days": _days(comp2_days, field="comp2_days"),
        "appeal_days": _days(appeal_days, field="appeal_days"),
        "escalate_to_id": escalate_to_id,
    }
    settings = ComplaintSettings.objects.select_for_update().filter(establishment=place).first()
    settings = settings or ComplaintSettings(establishment=place)
    before = {key: getattr(settings, key) for key in fields}
    for key, value in fields.items():
        setattr(settings, key, value)
    settings.save()
    audit.record(
        action=events.COMPLAINT_SETTINGS_SAVED,
        actor=by,
        obj=settings,
        detail={"establishment": place.code, **_changes(before, fields)},
    )
    return settings


@transaction.atomic
def canteen_item_save(
    *,
    by: User,
    establishment: Establishment | None,
    item: CanteenItem | None,
    name: str,
    name_cy: str,
    price: int,
    stock: int,
    active: bool,
) -> CanteenItem:
    """Add a canteen item, or change its names, price (pence), stock or whether it is on the list. Orders already
    placed keep the price they were placed at."""
    place = setup_establishment(user=by, establishment=establishment)
    if item is not None and item.establishment_id != place.pk:
        raise InvalidInput(_("No canteen item found"), code="item_invalid")
    if not isinstance(price, int) or not 1 <= price <= MAX_PRICE:
        raise InvalidInput(_("Enter a price from £0.01 to £100."), code="price_invalid", field="price")
    if not isinstance(stock, int) or not 0 <= stock <= MAX_STOCK:
        raise InvalidInput(_("Enter a stock from 0 to 100000."), code="stock_invalid", field="stock")
    clean_name = _name(name, field="name")
    fields: dict[str, Any] = {
        "name": clean_name,
        "name_cy": _name(name_cy, field="name_cy", required=False),
        "price": price,
        "stock": stock,
        "active": bool(active),
    }
    before: dict[str, Any] = {}
    if item is None:
        item = CanteenItem(establishment=place, code=_new_code(CanteenItem, place, clean_name))
    else:
        item = CanteenItem.objects.select_for_update().get(pk=item.pk)  # stock is also changed by orders
        before = {key: getattr(item, key) for key in fields}
    created = item.pk is None
    for key, value in fields.items():
        setattr(item, key, value)
    item.save()
    audit.record(
        action=events.CANTEEN_ITEM_SAVED,
        actor=by,
        obj=item,
        detail={"establishment": place.code, "code": item.code, "created": created, **_changes(before, fields)},
    )
    return item
