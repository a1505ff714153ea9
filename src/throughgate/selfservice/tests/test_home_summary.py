"""The home page's numbers come from one SQL statement (panels.resident_home_summary); they must say what the
ORM selectors say, on SQLite and on PostgreSQL, for every mix of accounts and app states."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_resident, sign_in_resident
from throughgate.selfservice import panels
from throughgate.selfservice.applications import services
from throughgate.selfservice.applications.models import OPEN_STATUSES, App, AppStatus
from throughgate.selfservice.money import selectors as money_selectors
from throughgate.selfservice.money import services as money_services
from throughgate.selfservice.tests.factories import key, raise_app, set_up_apps, staff_in

pytestmark = pytest.mark.django_db


def open_items_by_orm(person):  # type: ignore[no-untyped-def]
    """The same two numbers through the ORM: the reference the one-statement summary must agree with."""
    week_ago = timezone.now() - timedelta(days=7)
    counts = App.objects.filter(person=person).aggregate(
        open_apps=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        answered_recently=Count("pk", filter=Q(decided_at__gte=week_ago)),
    )
    return panels.OpenItems(open_apps=counts["open_apps"], answered_recently=counts["answered_recently"])


def same_as_orm(person):  # type: ignore[no-untyped-def]
    summary = panels.resident_home_summary(user=person.user)
    assert summary.spends == money_selectors.spends_of_resident(user=person.user)
    assert summary.items == open_items_by_orm(person)
    return summary


def test_nothing_yet(establishment):
    set_up_apps(establishment)
    person = make_resident(establishment)
    summary = same_as_orm(person)
    assert (summary.spends, summary.items.open_apps, summary.items.answered_recently) == (0, 0, 0)


def test_money_and_apps_in_every_state(establishment):
    set_up_apps(establishment)
    person = make_resident(establishment)
    other = make_resident(establishment)
    for amount in (1250, 300):
        money_services.money_credit(
            by=None, person=person, kind="spends", amount=amount, description="Wages", idempotency_key=key()
        )
    money_services.money_credit(
        by=None, person=person, kind="private_cash", amount=9999, description="Postal order", idempotency_key=key()
    )
    money_services.money_credit(
        by=None, person=other, kind="spends", amount=777, description="Wages", idempotency_key=key()
    )
    officer = staff_in(establishment, "wing")
    raise_app(person)  # NEW
    started = services.app_start(app=raise_app(person), by=officer)  # IN_PROGRESS
    answered = services.app_respond(app=raise_app(person), by=officer, decision=AppStatus.APPROVED, reply="Yes")
    old = services.app_respond(app=raise_app(person), by=officer, decision=AppStatus.DECLINED, reply="No")
    App.objects.filter(pk=old.pk).update(decided_at=timezone.now() - timedelta(days=8))  # answered last month
    raise_app(other)
    summary = same_as_orm(person)
    assert summary.spends == 1550
    assert summary.items.open_apps == 2
    assert summary.items.answered_recently == 1
    assert started.status == AppStatus.IN_PROGRESS
    assert answered.status == AppStatus.APPROVED


def test_home_page_shows_them(client, establishment):
    set_up_apps(establishment)
    person = make_resident(establishment)
    money_services.money_credit(
        by=None, person=person, kind="spends", amount=1234, description="Wages", idempotency_key=key()
    )
    raise_app(person)
    sign_in_resident(client, person)
    page = client.get(reverse("identity:home")).content.decode()
    assert "£12.34" in page
    assert "1 app is waiting for an answer." in page


def test_home_notices_with_the_cache_on(client, establishment, settings):
    """The home page keeps a wing's notices for a few seconds; a notice saved or taken down here shows at once."""
    from tests.factories import cell_in, make_staff
    from throughgate.identity import principals
    from throughgate.selfservice.content import services as content_services
    from throughgate.selfservice.content.tests.factories import notice

    settings.IDENTITY_CACHE_SECONDS = 5
    principals.forget_all()
    governor = make_staff("governor", [establishment])
    person = make_resident(establishment, location=cell_in(establishment, wing="A"))
    sign_in_resident(client, person)
    assert "Gym closed on Friday" not in client.get(reverse("identity:home")).content.decode()
    posted = notice(governor, establishment)
    assert "Gym closed on Friday" in client.get(reverse("identity:home")).content.decode()
    content_services.notice_withdraw(by=governor, notice=posted)
    assert "Gym closed on Friday" not in client.get(reverse("identity:home")).content.decode()
    principals.forget_all()
