"""Reads for the staff page of one person's self-service history: the person (the read is audited) and their
money. The apps and complaints on it come from those features' own staff selectors."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.errors import NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.people import selectors as people_selectors
from throughgate.people.models import Person
from throughgate.selfservice import events
from throughgate.selfservice.money.models import Account, AccountKind, CanteenOrder, LedgerEntry, pounds


def person_selfservice_history(*, user: User, establishment: Establishment | None, prison_number: str) -> Person:
    """A person's record for the one-page self-service history; the read is audited."""
    if not staff_may_act_in(user, establishment):
        raise NotVisible(_("No person with that prison number was found"))
    person = people_selectors.person_held_in(establishment=establishment, prison_number=prison_number)
    if person is None:
        raise NotVisible(_("No person with that prison number was found"))
    audit.record(
        action=events.HISTORY_VIEWED,
        actor=user,
        subject=person.prison_number,
        obj=person,
        purpose="answering_request",
    )
    return person


@dataclass(frozen=True)
class MoneyHistory:
    balances: list[tuple[str, str]]  # account label, pounds
    entries: list[LedgerEntry]
    orders: list[CanteenOrder]


def money_history(*, person: Person) -> MoneyHistory:
    """Balances, the latest ledger entries and canteen orders of a person already read through
    ``person_selfservice_history`` (which checked and audited the read)."""
    last: dict[str, int] = {}
    for account in Account.objects.filter(person=person):
        value = account.entries.order_by("-seq").values_list("balance_after", flat=True).first()
        last[account.kind] = int(value or 0)
    return MoneyHistory(
        balances=[(str(label), pounds(last.get(kind, 0))) for kind, label in AccountKind.choices],
        entries=list(
            LedgerEntry.objects.filter(account__person=person).select_related("account").order_by("-at", "-id")[:20]
        ),
        orders=list(CanteenOrder.objects.filter(person=person).order_by("-placed_at")[:20]),
    )
