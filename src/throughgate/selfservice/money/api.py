"""Money and canteen on the JSON API (/api/v1/selfservice/): the resident's own balances, statements, transfers
and canteen orders."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Schema, Status

from throughgate.core.access import requires
from throughgate.core.validators import MAX_ID
from throughgate.identity.api import ERRORS, WRITE_ERRORS, Router, StrictInt, acting_user, permission_first
from throughgate.people.selectors import own_record_for
from throughgate.selfservice.money import selectors as money_selectors
from throughgate.selfservice.money import services as money_services
from throughgate.selfservice.money.models import AccountKind, CanteenOrder
from throughgate.selfservice.permissions import USE_MONEY

# An item id as a JSON object's key is text, so it is parsed (not strict), but must fit the database's key.
ItemId = Annotated[int, Field(ge=1, le=MAX_ID)]

router = Router(published_as="throughgate.selfservice.api")  # the operation ids the API was first published with


# --- Money and canteen (the resident's own) ------------------------------------------------------------------

MONEY_FIRST = permission_first(USE_MONEY)


class BalanceOut(Schema):
    kind: str
    label: str
    pence: int


class LedgerEntryOut(Schema):
    seq: int
    at: datetime
    kind: str
    description: str
    amount: int = Field(description="Pence: positive in, negative out")
    balance_after: int


class ItemOut(Schema):
    id: int
    code: str
    name: str
    price: int
    stock: int


class CanteenOut(Schema):
    items: list[ItemOut]
    closes_at: datetime
    weekly_limit: int | None
    spent_this_week: int
    spends: int


class CanteenIn(Schema):
    items: dict[ItemId, StrictInt] = Field(description="Item id -> how many")
    idempotency_key: str


class LineOut(Schema):
    item: str
    quantity: int
    unit_price: int
    unavailable: bool


class OrderOut(Schema):
    id: int
    status: str
    week_closes_at: datetime
    total: int
    refunded: int
    lines: list[LineOut]
    spends_after: int


# The service refuses any other account with its own message; the document lists the accounts there are.
AccountKindText = Annotated[str, Field(json_schema_extra={"enum": AccountKind.values})]


class TransferIn(Schema):
    from_kind: AccountKindText
    to_kind: AccountKindText
    amount: StrictInt = Field(description="Pence (a JSON integer)")
    idempotency_key: str


def _order_out(order: CanteenOrder, spends: int) -> OrderOut:
    return OrderOut(
        id=order.pk,
        status=order.status,
        week_closes_at=order.week_closes_at,
        total=order.total,
        refunded=order.refunded,
        lines=[
            LineOut(
                item=line.item.code, quantity=line.quantity, unit_price=line.unit_price, unavailable=line.unavailable
            )
            for line in order.lines.select_related("item")
        ],
        spends_after=spends,
    )


@router.get("/money", response={200: list[BalanceOut], **ERRORS}, summary="The resident's balances")
@requires(USE_MONEY)
def money(request: HttpRequest) -> list[BalanceOut]:
    return [
        BalanceOut(kind=b.kind, label=b.label, pence=b.pence)
        for b in money_selectors.balances_of_resident(user=acting_user(request))
    ]


@router.post(
    "/money/transfer",
    response={200: list[BalanceOut], **WRITE_ERRORS},
    summary="Move money between the resident's own accounts, as the rules allow (idempotent)",
    auth=MONEY_FIRST,
)
@requires(USE_MONEY)
def money_transfer(request: HttpRequest, payload: TransferIn) -> list[BalanceOut]:
    user = acting_user(request)
    money_services.money_transfer(
        by=user,
        person=own_record_for(user=user, permission=USE_MONEY),
        from_kind=payload.from_kind,
        to_kind=payload.to_kind,
        amount=payload.amount,
        idempotency_key=payload.idempotency_key,
    )
    return money(request)


@router.get("/money/{kind}", response={200: list[LedgerEntryOut], **ERRORS}, summary="A statement, newest first")
@requires(USE_MONEY)
def statement(request: HttpRequest, kind: AccountKindText) -> list[LedgerEntryOut]:
    entries = money_selectors.statement_of_resident(user=acting_user(request), kind=kind)
    return [
        LedgerEntryOut(
            seq=e.seq, at=e.at, kind=e.kind, description=e.description, amount=e.amount, balance_after=e.balance_after
        )
        for e in entries
    ]


@router.get("/canteen", response={200: CanteenOut, **ERRORS}, summary="This week's canteen list and limits")
@requires(USE_MONEY)
def canteen(request: HttpRequest) -> CanteenOut:
    week = money_selectors.canteen_week_of_resident(user=acting_user(request))
    return CanteenOut(
        items=[ItemOut(id=i.pk, code=i.code, name=i.display_name, price=i.price, stock=i.stock) for i in week.items],
        closes_at=week.closes_at,
        weekly_limit=week.limit,
        spent_this_week=week.spent,
        spends=week.spends,
    )


@router.post(
    "/canteen",
    response={200: OrderOut, 201: OrderOut, **WRITE_ERRORS},
    summary="Place a canteen order (idempotent)",
    auth=MONEY_FIRST,
)
@requires(USE_MONEY)
def canteen_order_place(request: HttpRequest, payload: CanteenIn) -> Status[OrderOut]:
    user = acting_user(request)
    placed = money_services.canteen_order_place(
        user=user, quantities=payload.items, idempotency_key=payload.idempotency_key
    )
    spends = money_selectors.spends_of_resident(user=user)
    return Status(201 if placed.created else 200, _order_out(placed.order, spends))


@router.get("/canteen/orders/{int:order_id}", response={200: OrderOut, **ERRORS}, summary="One canteen order")
@requires(USE_MONEY)
def canteen_order(request: HttpRequest, order_id: int) -> OrderOut:
    user = acting_user(request)
    order = money_selectors.order_of_resident(user=user, order_id=order_id)
    return _order_out(order, money_selectors.spends_of_resident(user=user))
