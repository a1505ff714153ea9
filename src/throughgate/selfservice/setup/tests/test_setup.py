"""Set-up pages of an establishment: departments, app types, complaint deadlines and the canteen list. Only staff who
may set up self-service in that establishment change them; every save is audited; bad input is refused next to the
field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import EstablishmentFactory, make_resident, make_staff, sign_in_staff
from throughgate.core.errors import InvalidInput, NotVisible
from throughgate.core.models import AuditEntry
from throughgate.selfservice import defaults
from throughgate.selfservice.applications.models import AppType, Department
from throughgate.selfservice.complaints import services as complaint_services
from throughgate.selfservice.complaints.models import ComplaintSettings
from throughgate.selfservice.money.models import CanteenItem
from throughgate.selfservice.setup import services
from throughgate.selfservice.tests.factories import app_type, department, key, raise_app, set_up_apps

pytestmark = pytest.mark.django_db


@pytest.fixture
def governor(establishment: Any) -> Any:
    set_up_apps(establishment)
    defaults.install_money_defaults(establishment=establishment)
    return make_staff("governor", [establishment], username="the.governor", last_name="Governor")


def test_the_governor_puts_staff_in_a_department_and_names_its_lead(
    client: Client, establishment: Any, governor: Any
) -> None:
    officer = make_staff("wing_officer", [establishment], username="an.officer")
    elsewhere = make_staff("wing_officer", [EstablishmentFactory(code="LEI")], username="elsewhere")
    chaplaincy = department(establishment, "chaplaincy")
    sign_in_staff(client, governor)
    url = reverse("selfservice:setup_department", args=[chaplaincy.pk])
    page = client.get(url).content.decode()
    assert "an.officer" not in page or "Test" in page  # staff are listed by name
    assert "elsewhere" not in page  # staff of another prison are not offered

    response = client.post(
        url, {"name": "Chaplaincy", "name_cy": "Caplaniaeth", "members": [officer.pk], "lead": governor.pk}
    )
    assert response.status_code == 302
    chaplaincy.refresh_from_db()
    assert list(chaplaincy.members.all()) == [officer]
    assert chaplaincy.lead == governor
    entry = AuditEntry.objects.get(action="selfservice.setup.department_saved")
    assert entry.detail["lead"] == [None, governor.pk]
    assert entry.detail["members"] == [[], [officer.pk]]

    # Someone from another prison cannot be made a member (the form refuses it next to the field).
    refused = client.post(url, {"name": "Chaplaincy", "members": [elsewhere.pk]})
    assert refused.status_code == 400
    assert 'id="id_members-error"' in refused.content.decode()


def test_a_new_department_needs_a_name_and_gets_a_code(client: Client, establishment: Any, governor: Any) -> None:
    sign_in_staff(client, governor)
    empty = client.post(reverse("selfservice:setup_department_new"), {"name": "  "})
    assert empty.status_code == 400
    body = empty.content.decode()
    assert "govuk-error-summary" in body
    assert 'id="id_name-error"' in body
    made = client.post(reverse("selfservice:setup_department_new"), {"name": "Resettlement", "name_cy": "Ailsefydlu"})
    assert made.status_code == 302
    assert Department.objects.get(establishment=establishment, name="Resettlement").code == "resettlement"


def test_an_app_type_is_routed_timed_and_limited_and_new_apps_follow(
    client: Client, establishment: Any, governor: Any
) -> None:
    person = make_resident(establishment)
    wing = app_type(establishment, "wing")
    education = department(establishment, "education")
    sign_in_staff(client, governor)
    url = reverse("selfservice:setup_app_type", args=[wing.pk])
    bad = client.post(url, {"name": "Ask the wing", "department": education.pk, "response_days": "0"})
    assert bad.status_code == 400
    assert 'id="id_response_days-error"' in bad.content.decode()
    good = client.post(
        url,
        {
            "name": "Ask the wing",
            "name_cy": "Gofyn i'r adain",
            "department": education.pk,
            "response_days": "10",
            "one_pending": "on",
            "active": "on",
        },
    )
    assert good.status_code == 302
    wing.refresh_from_db()
    assert (wing.department, wing.response_days, wing.one_pending, wing.active) == (education, 10, True, True)
    app = raise_app(person, "wing")
    assert app.department == education
    assert app.one_pending is True
    # Switched off: residents are no longer offered it.
    client.post(url, {"name": "Ask the wing", "department": education.pk, "response_days": "10"})
    assert not AppType.objects.get(pk=wing.pk).active


def test_a_department_of_another_prison_cannot_take_apps(establishment: Any, governor: Any) -> None:
    other = EstablishmentFactory(code="LEI")
    set_up_apps(other)
    with pytest.raises(InvalidInput) as refused:
        services.app_type_save(
            by=governor,
            establishment=establishment,
            app_type=None,
            name="Odd",
            name_cy="",
            hint="",
            hint_cy="",
            department=department(other, "wing"),
            response_days=3,
            one_pending=False,
            active=True,
        )
    assert refused.value.field == "department"


def test_complaint_deadlines_are_used_for_new_complaints(client: Client, establishment: Any, governor: Any) -> None:
    sign_in_staff(client, governor)
    url = reverse("selfservice:setup_complaints")
    bad = client.post(url, {"comp1_days": "x", "comp1a_days": "5", "comp2_days": "5", "appeal_days": "99"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert 'id="id_comp1_days-error"' in body
    assert 'id="id_appeal_days-error"' in body
    ok = client.post(
        url,
        {"comp1_days": "10", "comp1a_days": "8", "comp2_days": "3", "appeal_days": "4", "escalate_to": governor.pk},
    )
    assert ok.status_code == 302
    saved = ComplaintSettings.objects.get(establishment=establishment)
    assert (saved.comp1_days, saved.comp1a_days, saved.comp2_days, saved.appeal_days) == (10, 8, 3, 4)
    assert saved.escalate_to == governor
    person = make_resident(establishment)
    made = complaint_services.complaint_submit(user=person.user, stage="COMP2", body="Private.", idempotency_key=key())
    from throughgate.selfservice.workdays import add_working_days

    assert made.complaint.due_on == add_working_days(timezone.localdate(), 3)
    assert AuditEntry.objects.filter(action="selfservice.setup.complaint_settings_saved").count() == 1


def test_only_someone_who_reads_confidential_complaints_can_receive_escalations(
    establishment: Any, governor: Any
) -> None:
    officer = make_staff("wing_officer", [establishment])
    with pytest.raises(InvalidInput) as refused:
        services.complaint_settings_save(
            by=governor,
            establishment=establishment,
            comp1_days=5,
            comp1a_days=5,
            comp2_days=5,
            appeal_days=7,
            escalate_to_id=officer.pk,
        )
    assert refused.value.field == "escalate_to"


def test_the_canteen_list_price_and_stock_are_changed_and_a_new_item_added(
    client: Client, establishment: Any, governor: Any
) -> None:
    tea = CanteenItem.objects.get(establishment=establishment, code="tea")
    sign_in_staff(client, governor)
    url = reverse("selfservice:setup_canteen_item", args=[tea.pk])
    bad = client.post(url, {"name": "Tea", "price": "1.234", "stock": "-1"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert 'id="id_price-error"' in body
    assert 'id="id_stock-error"' in body
    assert (
        client.post(url, {"name": "Tea bags (80)", "price": "2.40", "stock": "50", "active": "on"}).status_code == 302
    )
    tea.refresh_from_db()
    assert (tea.name, tea.price, tea.stock, tea.active) == ("Tea bags (80)", 240, 50, True)
    new = client.post(
        reverse("selfservice:setup_canteen_item_new"),
        {"name": "Rice", "name_cy": "Reis", "price": "0.90", "stock": "100", "active": "on"},
    )
    assert new.status_code == 302
    assert CanteenItem.objects.get(establishment=establishment, code="rice").price == 90
    assert AuditEntry.objects.filter(action="selfservice.setup.canteen_item_saved").count() == 2
    listing = client.get(reverse("selfservice:setup_home")).content.decode()
    assert "Rice" in listing
    assert "£2.40" in listing


def test_set_up_is_refused_to_officers_and_to_governors_of_another_prison(
    client: Client, establishment: Any, governor: Any
) -> None:
    officer = make_staff("wing_officer", [establishment])
    sign_in_staff(client, officer)
    assert client.get(reverse("selfservice:setup_home")).status_code == 403
    assert client.post(reverse("selfservice:setup_department_new"), {"name": "X"}).status_code == 403
    other = EstablishmentFactory(code="LEI")
    elsewhere = make_staff("governor", [other])
    wing = department(establishment, "wing")
    with pytest.raises(NotVisible):
        services.department_save(
            by=elsewhere,
            establishment=establishment,
            department=wing,
            name="X",
            name_cy="",
            member_ids=[],
            lead_id=None,
        )
    client.logout()
    sign_in_staff(client, elsewhere)
    # Acting in their own prison, the other prison's department does not exist for them.
    assert client.get(reverse("selfservice:setup_department", args=[wing.pk])).status_code == 404
    assert Department.objects.get(pk=wing.pk).name == "Wing staff"


def test_welsh_set_up_page(client: Client, establishment: Any, governor: Any) -> None:
    sign_in_staff(client, governor)
    client.cookies["django_language"] = "cy"
    page = client.get(reverse("selfservice:setup_home"), HTTP_ACCEPT_LANGUAGE="cy")
    assert page.status_code == 200
    assert 'lang="cy"' in page.content.decode()
    assert "Set up self-service" not in page.content.decode()
