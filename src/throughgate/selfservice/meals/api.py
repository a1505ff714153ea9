"""Meals on the JSON API (/api/v1/selfservice/meals/...): the in-cell app's menu and picks for a resident, and the
kitchen totals for staff. The same services and selectors as the pages, and the same idempotency: a POST with a key
already used answers 200 with the sheet stored the first time (201 when it is new). A change after the cut-off is
refused with 409 ``meals_closed``."""

from datetime import date, datetime, timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema, Status

from throughgate.core.access import requires
from throughgate.core.errors import NotVisible
from throughgate.identity.api import ERRORS, WRITE_ERRORS, ApiDate, ApiId, Router, acting_user, permission_first
from throughgate.identity.selectors import establishment_named
from throughgate.selfservice.meals import rules, selectors, services
from throughgate.selfservice.meals.models import MenuOption
from throughgate.selfservice.permissions import USE_MEALS, VIEW_KITCHEN_TOTALS

router = Router()
MEALS_FIRST = permission_first(USE_MEALS)


class OptionOut(Schema):
    id: int
    name: str
    markers: list[str]

    @staticmethod
    def of(option: MenuOption) -> "OptionOut":
        return OptionOut(id=option.pk, name=option.display_name, markers=list(option.markers))


class SlotOut(Schema):
    slot: str = Field(description="The meal's name in choices: YYYY-MM-DD_breakfast, _lunch or _dinner")
    day: date
    meal: str
    options: list[OptionOut] = Field(description="Only the dishes that suit the person's recorded diet")
    chosen: int | None = Field(description="The option picked, or null")
    default: int | None = Field(description="What the person gets if they do not pick; null: a special-diet meal")


class MealWeekOut(Schema):
    week_start: date
    closes_at: datetime
    open: bool
    diet: list[str]
    sent_at: datetime | None = Field(description="When the current picks were sent, or null if none were")
    slots: list[SlotOut]

    @staticmethod
    def of(week: selectors.MealWeek) -> "MealWeekOut":
        return MealWeekOut(
            week_start=week.menu.week_start,
            closes_at=week.closes_at,
            open=week.is_open,
            diet=week.needs,
            sent_at=week.sheet.submitted_at if week.sheet else None,
            slots=[
                SlotOut(
                    slot=slot.name,
                    day=slot.day,
                    meal=slot.meal,
                    options=[OptionOut.of(option) for option in slot.options],
                    chosen=slot.chosen.pk if slot.chosen else None,
                    default=slot.default.pk if slot.default else None,
                )
                for slot in week.slots
            ],
        )


class ChoicesIn(Schema):
    choices: dict[str, ApiId | None] = Field(description="Slot -> option id; a slot left out or null gets the default")
    idempotency_key: str = Field(description="Made by the device when the menu is shown; resend it on a retry")


@router.get("/meals", response={200: MealWeekOut, **ERRORS}, summary="The week to pick meals for (next week's menu)")
@requires(USE_MEALS)
def meals_next(request: HttpRequest) -> MealWeekOut:
    week = selectors.week_to_choose(user=acting_user(request))
    if week is None:
        raise NotVisible("There is no menu for next week yet.", code="no_menu")
    return MealWeekOut.of(week)


@router.get(
    "/meals/weeks/{week_start}", response={200: MealWeekOut, **ERRORS}, summary="One week's meals for the resident"
)
@requires(USE_MEALS)
def meals_week(request: HttpRequest, week_start: ApiDate) -> MealWeekOut:
    return MealWeekOut.of(selectors.week_of_resident(user=acting_user(request), week_start=week_start))


@router.post(
    "/meals/weeks/{week_start}",
    response={200: MealWeekOut, 201: MealWeekOut, **WRITE_ERRORS},
    summary="Pick meals for a week before its cut-off (idempotent)",
    auth=MEALS_FIRST,
)
@requires(USE_MEALS)
def meals_choose(request: HttpRequest, week_start: ApiDate, payload: ChoicesIn) -> Status[MealWeekOut]:
    user = acting_user(request)
    chosen = services.meals_choose(
        user=user, week_start=week_start, choices=payload.choices, idempotency_key=payload.idempotency_key
    )
    week = selectors.week_of_resident(user=user, week_start=week_start)
    return Status(201 if chosen.created else 200, MealWeekOut.of(week))


# --- Staff ---------------------------------------------------------------------------------------------------


class KitchenRowOut(Schema):
    option: int | None = Field(description="null: special-diet meals (no dish on the menu suits)")
    dish: str
    markers: list[str]
    per_wing: dict[str, int]
    total: int
    by_default: int


class KitchenMealOut(Schema):
    day: date
    meal: str
    total: int
    rows: list[KitchenRowOut]


class KitchenOut(Schema):
    establishment: str
    week_start: date
    published: bool
    people: int
    chose: int
    wings: list[str]
    meals: list[KitchenMealOut]


@router.get("/meals/kitchen", response={200: KitchenOut, **ERRORS}, summary="Kitchen totals per wing and day")
@requires(VIEW_KITCHEN_TOTALS)
def kitchen(request: HttpRequest, week: ApiDate | None = None, establishment: str = "") -> KitchenOut:
    """``week`` is the Monday the week starts; next week when it is left out."""
    user = acting_user(request)
    place = establishment_named(request, user=user, code=establishment)
    monday = week or rules.monday_of(timezone.localdate()) + timedelta(days=7)
    totals = selectors.kitchen_totals(user=user, establishment=place, week_start=monday)
    return KitchenOut(
        establishment=totals.menu.establishment.code,
        week_start=totals.menu.week_start,
        published=totals.menu.is_published,
        people=totals.people,
        chose=totals.chose,
        wings=totals.wings,
        meals=[
            KitchenMealOut(
                day=day.day,
                meal=meal.meal,
                total=meal.total,
                rows=[
                    KitchenRowOut(
                        option=row.option.pk if row.option else None,
                        dish=row.option.name if row.option else "special_diet",
                        markers=list(row.option.markers) if row.option else [],
                        per_wing=dict(zip(totals.wings, row.per_wing, strict=True)),
                        total=row.total,
                        by_default=row.by_default,
                    )
                    for row in meal.rows
                ],
            )
            for day in totals.days
            for meal in day.meals
        ],
    )
