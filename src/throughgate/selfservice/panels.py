"""The self-service panels of the resident's home page (registered in identity's panel registry): their money and
their apps, read together in one statement, and the notices (``content/panels.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from throughgate.core.errors import NotVisible
from throughgate.identity.models import User
from throughgate.identity.panels import Panel, PanelSource, register_panels
from throughgate.people.selectors import own_record_for
from throughgate.selfservice.applications.models import OPEN_STATUSES, App
from throughgate.selfservice.content.panels import notices_panel
from throughgate.selfservice.money.models import Account, AccountKind, LedgerEntry, pounds
from throughgate.selfservice.permissions import USE_APPS, USE_MONEY


@dataclass(frozen=True)
class OpenItems:
    open_apps: int
    answered_recently: int


@dataclass(frozen=True)
class HomeSummary:
    spends: int  # pence in the spends account
    items: OpenItems


def resident_home_summary(*, user: User) -> HomeSummary:
    """The resident's home page numbers (spends balance, open apps, apps answered in the last 7 days) in one
    statement. The home page is the most visited page of the service, and the ORM took 60 times longer to build
    the same query than the database took to answer it (docs/performance.md). A test holds it equal to the same
    numbers read through the ORM (``money.selectors.spends_of_resident`` and an ORM count of the apps)."""
    person = own_record_for(user=user, permission=USE_APPS)
    week_ago = timezone.now() - timedelta(days=7)
    entries, accounts, apps = LedgerEntry._meta.db_table, Account._meta.db_table, App._meta.db_table
    statuses = ", ".join(["%s"] * len(OPEN_STATUSES))
    sql = (
        f"SELECT (SELECT e.balance_after FROM {entries} e JOIN {accounts} a ON e.account_id = a.id"  # noqa: S608
        f" WHERE a.person_id = %s AND a.kind = %s ORDER BY e.seq DESC LIMIT 1),"
        f" (SELECT COUNT(*) FROM {apps} WHERE person_id = %s AND status IN ({statuses})),"
        f" (SELECT COUNT(*) FROM {apps} WHERE person_id = %s AND decided_at >= %s)"
    )
    since = connection.ops.adapt_datetimefield_value(week_ago)
    params: list[Any] = [person.pk, str(AccountKind.SPENDS), person.pk, *map(str, OPEN_STATUSES), person.pk, since]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        spends, open_apps, answered = cursor.fetchone()
    return HomeSummary(int(spends or 0), OpenItems(open_apps=int(open_apps), answered_recently=int(answered)))


def money_and_apps_panels(user: User) -> list[Panel]:
    """The resident's spends and their open apps, from one read; none when they may use neither."""
    may_money, may_apps = user.has_perm(USE_MONEY), user.has_perm(USE_APPS)
    if not (may_money or may_apps):
        return []
    try:
        summary = resident_home_summary(user=user)
    except NotVisible:
        return []
    panels = []
    if may_money:
        spends = pounds(summary.spends)
        panels.append(Panel("selfservice/includes/money_panel.html", key=spends, data={"spends": spends}))
    if may_apps:
        items = summary.items
        panels.append(Panel("selfservice/includes/home_panel.html", key=items, data={"items": items}))
    return panels


register_panels(PanelSource("selfservice.money_and_apps", money_and_apps_panels, order=10))
register_panels(PanelSource("selfservice.notices", notices_panel, order=20))
