"""The RBAC matrix: every URL pattern from the resolver and every API operation, visited as every role and as
nobody, must give the outcome its access declaration promises. A route without a declaration fails this test,
and so does a route with path arguments that has no sample below.

Web pages: public → never 403 or 5xx; a permission → anonymous is sent to sign in, a role without it gets 403, a role
with it gets through. API operations: anonymous gets 401, a role without the permission (or a token without the
scope) gets 403, a role with it gets through. Scoping (which records) is tested after the matrix."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import (
    make_device,
    make_partner,
    make_resident,
    make_staff,
    sign_in_family,
    sign_in_resident,
    sign_in_staff,
)
from throughgate.core.access import Rule, rule_for
from throughgate.identity.middleware import API_NAMESPACE, is_api_operation
from throughgate.identity.models import ApiToken, Establishment, Role, RoleKind, User
from throughgate.identity.roles import DEFAULT_ROLES
from throughgate.people.models import Person

ACTORS = ["anonymous", *(spec.code for spec in DEFAULT_ROLES)]
SERVER_ERROR = 500
LOGIN = "/sign-in/"
# Public pages that refuse on purpose when the visitor lacks something other than a role.
PUBLIC_REFUSALS = {"identity:kiosk_login": "resident sign-in is refused (403) on a device that is not registered"}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name
    route: str
    callback: Callable[..., Any]
    is_api: bool


def _walk(patterns: list[Any], prefix: str = "", namespace: str | None = None) -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield Route(name, prefix + str(pattern.pattern), pattern.callback, namespace == API_NAMESPACE)


# Signing out ends the session the other routes need: these go last, in this order.
SIGN_OUT_ROUTES = ("probation:sign_out", "contact:family_sign_out", "identity:logout")


def all_routes() -> list[Route]:
    """Every route, with signing out last so that it does not end the session the other routes need."""
    order = {name: n + 1 for n, name in enumerate(SIGN_OUT_ROUTES)}
    return sorted(_walk(get_resolver().url_patterns), key=lambda route: order.get(route.name, 0))


@dataclass(frozen=True)
class ApiOperation:
    name: str
    method: str
    rule: Rule | None


def api_operations(route: Route) -> list[ApiOperation]:
    """The operations django-ninja serves at one API path, with their declared rules."""
    closure = route.callback.__closure__ or ()
    path_view = next(cell.cell_contents for cell in closure if hasattr(cell.cell_contents, "operations"))
    return [
        ApiOperation(route.name, method, rule_for(operation.view_func))
        for operation in path_view.operations
        for method in operation.methods
    ]


@dataclass
class Estate:
    mdi: Establishment
    lei: Establishment
    mdi_person: Person
    lei_person: Person
    resident: Person
    other_resident: Person


@pytest.fixture
def estate(db: Any) -> Estate:
    from tests.factories import EstablishmentFactory

    mdi = EstablishmentFactory(code="MDI", name="HMP Moorland Demo")
    lei = EstablishmentFactory(code="LEI", name="HMP Leeds Demo")
    resident = make_resident(mdi)
    other = make_resident(mdi)
    return Estate(
        mdi=mdi,
        lei=lei,
        mdi_person=other,
        lei_person=make_resident(lei),
        resident=resident,
        other_resident=other,
    )


def selfservice_sample(estate: Estate) -> dict[str, str]:
    """An app raised by the resident (made once per estate), for the self-service routes' path arguments."""
    if not hasattr(estate, "_selfservice"):
        from throughgate.selfservice.tests.factories import raise_app

        app = raise_app(estate.resident)
        estate._selfservice = {  # type: ignore[attr-defined]
            "type_id": str(app.app_type_id),
            "app_id": str(app.pk),
            "department_id": str(app.department_id),
        }
    sample: dict[str, str] = estate._selfservice  # type: ignore[attr-defined]
    return sample


def selfservice_kwargs(estate: Estate) -> dict[str, dict[str, str]]:
    sample = selfservice_sample(estate)
    app_id = {"app_id": sample["app_id"]}
    api_names = ("my_app", "staff_app", "app_start", "app_respond", "app_comment", "app_forward")
    return {
        "selfservice:app_write": {"type_id": sample["type_id"]},
        "selfservice:my_app": app_id,
        "selfservice:staff_app": app_id,
        "selfservice:staff_app_action": {**app_id, "action": "start"},
        "selfservice:person_history": {"prison_number": estate.resident.prison_number},
        "selfservice:finance_person": {"prison_number": estate.resident.prison_number},
        "selfservice:setup_department": {"department_id": sample["department_id"]},
        "selfservice:setup_app_type": {"type_id": sample["type_id"]},
        "selfservice:setup_canteen_item": {"item_id": "1"},
        "selfservice:statement": {"kind": "spends"},
        "selfservice:canteen_order": {"order_id": "1"},
        "api:statement": {"kind": "spends"},
        "api:canteen_order": {"order_id": "1"},
        "selfservice:canteen_deliver": {"order_id": "1"},
        "selfservice:my_complaint": {"complaint_id": "1"},
        "selfservice:complaint_appeal": {"complaint_id": "1"},
        "selfservice:staff_complaint": {"complaint_id": "1"},
        "api:my_complaint": {"complaint_id": "1"},
        "api:complaint_appeal": {"complaint_id": "1"},
        "api:complaint_answer": {"complaint_id": "1"},
        **{f"api:{name}": app_id for name in api_names},
        **timetable_kwargs(estate),
    }


def timetable_kwargs(estate: Estate) -> dict[str, dict[str, str]]:
    """Timetable routes: ids of records that need not exist (a 404 is a pass once the permission is checked)."""
    session = {"session_id": "1"}
    activity = {"activity_id": "1"}
    return {
        "selfservice:timetable_register": session,
        "selfservice:timetable_attendance": {**session, "prison_number": estate.resident.prison_number},
        "selfservice:timetable_activity": activity,
        "selfservice:timetable_schedule": activity,
        "selfservice:timetable_allocate": activity,
        "selfservice:timetable_allocation_end": {**activity, "allocation_id": "1"},
        "api:timetable_register": session,
        "api:timetable_attendance": session,
        "api:timetable_attended": session,
    }


def sample_kwargs(estate: Estate) -> dict[str, dict[str, str]]:
    """Path arguments for every route that takes some. A new route with arguments must get a sample here."""
    return {
        "people:detail": {"prison_number": estate.mdi_person.prison_number},
        "api:person_detail": {"prison_number": estate.mdi_person.prison_number},
        **selfservice_kwargs(estate),
        "access:device_detail": {"pk": "1"},
        "access:site_detail": {"pk": "1"},
        "access:group_detail": {"pk": "1"},
        "access:request_review": {"pk": "1"},
        "access:observation_detail": {"pk": "1"},
        "access:sanction": {"prison_number": estate.mdi_person.prison_number},
        **welfare_kwargs(estate),
        **dataprotection_kwargs(estate),
        **content_kwargs(estate),
        **meals_kwargs(estate),
        **probation_kwargs(estate),
        **sharing_kwargs(estate),
        **contact_kwargs(estate),
        **learning_kwargs(estate),
    }


def learning_kwargs(estate: Estate) -> dict[str, dict[str, str]]:
    """Learning: ids that need not exist (a 404 is a pass once the permission is checked; public routes must not
    refuse with 403)."""
    return {
        "learning:course": {"course_id": "1"},
        "learning:staff_course": {"course_id": "1"},
        "learning:course_edit": {"course_id": "1"},
        "learning:enrolment_action": {"enrolment_id": "1", "action": "allocate"},
        "learning:learner": {"prison_number": estate.resident.prison_number},
        "learning:my_badge": {"public_id": "00000000-0000-4000-8000-000000000000"},
        "learning:credential_public": {"public_id": "00000000-0000-4000-8000-000000000000"},
        "learning:credential_download": {"public_id": "00000000-0000-4000-8000-000000000000"},
        "learning:key": {"kid": "no-such-key"},
        "learning:status_list": {"list_number": "1"},
        "learning:credential_revoke": {"credential_id": "1"},
        "api:course_join": {"course_id": "1"},
    }


def contact_kwargs(estate: Estate) -> dict[str, dict[str, str]]:
    """Contact: the resident's approved contact (whose email the family member's account carries) and a visit booked
    by that family member, both in MDI."""
    if not hasattr(estate, "_contact"):
        from throughgate.contact.tests.factories import approved_contact, family_user, next_weekday, session
        from throughgate.contact.visits.services import visit_book_by_family

        contact = approved_contact(estate.resident, "Matrix", "Family", email="matrix.family@example.org")
        family = family_user("matrix.family@example.org")
        visiting = session(estate.mdi)
        visit = visit_book_by_family(
            user=family,
            lead=contact,
            session=visiting,
            day=next_weekday(visiting.weekday),
            visitors=[],
            idempotency_key="matrix-sample-visit",
        ).visit
        from throughgate.contact.messages.services import message_send

        message = message_send(user=family, contact=contact, body="Hello", idempotency_key="matrix-sample-message")
        estate._contact = {  # type: ignore[attr-defined]
            "contact": str(contact.pk),
            "visit": str(visit.pk),
            "message": str(message.pk),
        }
    ids: dict[str, str] = estate._contact  # type: ignore[attr-defined]
    return {
        "contact:approval": {"contact_id": ids["contact"]},
        "contact:person_contacts": {"prison_number": estate.resident.prison_number},
        "contact:restriction_end": {"restriction_id": "1"},
        "contact:staff_book": {"prison_number": estate.resident.prison_number},
        "contact:visit_cancel": {"visit_id": ids["visit"]},
        "contact:hall_visit": {"visit_id": ids["visit"]},
        "contact:family_book": {"contact_id": ids["contact"]},
        "contact:family_visit": {"visit_id": ids["visit"]},
        "contact:family_messages": {"contact_id": ids["contact"]},
        "contact:my_message": {"message_id": ids["message"]},
        "contact:moderation_message": {"message_id": ids["message"]},
        "api:message_reply": {"message_id": ids["message"]},
    }


def probation_kwargs(estate: Estate) -> dict[str, dict[str, str]]:
    """Probation: the resident's passport pages and a person on probation (ids that need not exist are a 404 once the
    permission is checked)."""
    pn = {"prison_number": estate.resident.prison_number}
    return {
        "probation:my_questions": {"kind": "immediate_needs"},
        "probation:passport": pn,
        "probation:passport_start": pn,
        "probation:release": pn,
        "probation:passport_action": {**pn, "action": "todo"},
        "probation:case": pn,
        "probation:recall": pn,
        "probation:case_action": {**pn, "action": "schedule"},
        "probation:checkin_review": {"checkin_id": "1"},
        "probation:checkin": {"checkin_id": "1"},
        "probation:todo_done": {"item_id": "1"},
        "probation:appointment": {"appointment_id": "1"},
        "probation:appointment_outcome": {"appointment_id": "1"},
        "probation:task_close": {"task_id": "1"},
    }


def dataprotection_kwargs(estate: Estate) -> dict[str, dict[str, str]]:
    """Subject access: ids of records that need not exist (a 404 is a pass once the permission is checked)."""
    person = {"prison_number": estate.mdi_person.prison_number}
    return {
        "dataprotection:person": person,
        "dataprotection:hold_place": person,
        "dataprotection:hold_lift": {"hold_id": "1"},
        "dataprotection:request": {"request_id": "1"},
        "dataprotection:download": {"request_id": "1"},
    }


def sharing_kwargs(estate: Estate) -> dict[str, dict[str, str]]:
    """Record linkage: a suggested link awaiting review between a person in MDI and a probation record."""
    from throughgate.sharing.links.tests.factories import make_link

    link = make_link(estate.mdi_person)
    sample = {"link_id": str(link.pk)}
    return {"sharing:link": sample, "sharing:decide": sample, "sharing:undo": sample}


def meals_kwargs(estate: Estate) -> dict[str, dict[str, str]]:
    """Meals: next week's published menu in MDI (made once per estate)."""
    from throughgate.selfservice.meals.models import Menu
    from throughgate.selfservice.meals.tests.factories import make_menu

    menu = Menu.objects.filter(establishment=estate.mdi).first() or make_menu(estate.mdi)
    week = {"week_start": menu.week_start.isoformat()}
    return {
        "selfservice:meal_week": week,
        "selfservice:menu": {"menu_id": str(menu.pk)},
        "selfservice:menu_action": {"menu_id": str(menu.pk), "action": "publish"},
        "selfservice:diet": {"prison_number": estate.resident.prison_number},
        "api:meals_week": week,
        "api:meals_choose": week,
    }


def content_kwargs(estate: Estate) -> dict[str, dict[str, str]]:
    """Content and notices: a published PDF in MDI's library (files too) and a notice for the whole of MDI."""
    from throughgate.selfservice.content.models import ContentItem, Notice

    if not hasattr(estate, "_content"):
        from throughgate.selfservice.content.services import NewContent, content_add
        from throughgate.selfservice.content.tests.factories import notice, pdf_upload

        publisher = make_staff("governor", [estate.mdi], username="content.sample")
        item = ContentItem.objects.filter(establishment=estate.mdi).first() or content_add(
            by=publisher,
            establishment=estate.mdi,
            new=NewContent(kind="pdf", category="induction", title="Induction guide", file=pdf_upload()),
        )
        posted = Notice.objects.filter(establishment=estate.mdi).first() or notice(publisher, estate.mdi)
        estate._content = {"item_id": str(item.pk), "notice_id": str(posted.pk)}  # type: ignore[attr-defined]
    ids: dict[str, str] = estate._content  # type: ignore[attr-defined]
    item_id = {"item_id": ids["item_id"]}
    return {
        "selfservice:content_item": item_id,
        "selfservice:content_file": {**item_id, "part": "file"},
        "selfservice:content_manage_item": item_id,
        "selfservice:content_manage_file": {**item_id, "part": "file"},
        "selfservice:content_manage_action": {**item_id, "action": "publish"},
        "selfservice:notice_edit": {"notice_id": ids["notice_id"]},
        "selfservice:notice_withdraw": {"notice_id": ids["notice_id"]},
        "api:content_detail": item_id,
        "api:content_view_record": item_id,
    }


def welfare_kwargs(estate: Estate) -> dict[str, dict[str, str]]:
    """AIM: a red flag (with a triage due for review) on a person in MDI."""
    from throughgate.welfare.models import Flag, Triage
    from throughgate.welfare.tests.factories import make_flag

    flag = Flag.objects.filter(person=estate.mdi_person).first() or make_flag(estate.mdi_person)
    triage = Triage.objects.filter(flag=flag).first() or Triage.objects.create(
        flag=flag, by_username="seed", action="spoke", review_on=dt.date(2026, 3, 8)
    )
    return {
        "welfare:flag": {"flag_id": str(flag.pk)},
        "welfare:triage": {"flag_id": str(flag.pk)},
        "welfare:trigger_date": {"flag_id": str(flag.pk)},
        "welfare:review": {"triage_id": str(triage.pk)},
        "welfare:history": {"prison_number": estate.mdi_person.prison_number},
    }


def url_for(route: Route, estate: Estate) -> str:
    samples = sample_kwargs(estate)
    if "<" in route.route:
        assert route.name in samples, f"{route.name} ({route.route}) takes path arguments: add a sample to the matrix"
        return reverse(route.name, kwargs=samples[route.name])
    return reverse(route.name)


def client_for(actor: str, estate: Estate) -> tuple[Client, dict[str, str], set[str]]:
    """A client signed in as the actor, extra headers, and the permissions the actor holds."""
    client = Client()
    if actor == "anonymous":
        return client, {}, set()
    role = Role.objects.get(code=actor)
    if role.kind == RoleKind.RESIDENT:
        sign_in_resident(client, estate.resident)
        return client, {}, set(role.permissions)
    if role.kind == RoleKind.PARTNER:
        _user, secret = make_partner(scopes=list(role.permissions))
        return client, {"Authorization": f"Bearer {secret}"}, set(role.permissions)
    if role.kind == RoleKind.FAMILY:
        contact_kwargs(estate)  # the family account of the sample contact
        sign_in_family(client, User.objects.get(username="family:matrix.family@example.org"))
        return client, {}, set(role.permissions)
    user = make_staff(actor, [] if role.sees_all_establishments else [estate.mdi])
    sign_in_staff(client, user)
    return client, {}, set(role.permissions)


def fetch(client: Client, url: str, headers: dict[str, str]) -> Any:
    response = client.get(url, headers=headers)
    if response.status_code == 405:
        response = client.post(url, {}, headers=headers)
    return response


def web_problem(route: Route, rule: Rule | None, actor: str, perms: set[str], response: Any) -> str | None:
    status = response.status_code
    if rule is None:
        return "declares no access rule"
    if status >= SERVER_ERROR:
        return f"server error {status}"
    if rule.kind == "public":
        if status == 403 and not (route.name in PUBLIC_REFUSALS and actor != "resident"):
            return "public route refused with 403"
        return None
    signed_in_session = actor not in ("anonymous", "partner_system")
    login = reverse(rule.sign_in) if rule.sign_in else LOGIN
    if not signed_in_session:
        if status != 302 or not response["Location"].startswith(login):
            return f"expected a redirect to sign in, got {status}"
        return None
    if rule.permission in perms:
        if status == 403 or (status == 302 and response["Location"].startswith(login)):
            return f"holds {rule.permission} but got {status}"
        return None
    return None if status == 403 else f"lacks {rule.permission} but got {status}"


def api_problem(operation: ApiOperation, actor: str, perms: set[str], status: int) -> str | None:
    rule = operation.rule
    if rule is None:
        return "declares no access rule" if status != 403 else "declares no access rule (refused, but must declare)"
    if status >= SERVER_ERROR:
        return f"server error {status}"
    if rule.kind == "public":
        return None if status not in (401, 403) else f"public operation refused with {status}"
    if actor == "anonymous":
        return None if status == 401 else f"expected 401, got {status}"
    if rule.permission in perms:
        return f"holds {rule.permission} but got {status}" if status in (401, 403) else None
    return None if status == 403 else f"lacks {rule.permission} but got {status}"


@pytest.mark.parametrize("actor", ACTORS)
def test_every_route_gives_its_declared_outcome(actor: str, estate: Estate) -> None:
    client, headers, perms = client_for(actor, estate)
    problems = []
    checked = 0
    for route in all_routes():
        url = url_for(route, estate)
        if route.is_api and is_api_operation(route.callback):
            for operation in api_operations(route):
                response = client.generic(operation.method, url, headers=headers)
                checked += 1
                problem = api_problem(operation, actor, perms, response.status_code)
                if problem:
                    problems.append(f"{operation.method} {url} ({route.name}): {problem}")
            continue
        rule = rule_for(route.callback)
        response = fetch(client, url, headers)
        checked += 1
        problem = web_problem(route, rule, actor, perms, response)
        if problem:
            problems.append(f"GET {url} ({route.name}) as {actor}: {problem}")
    assert checked >= 15
    assert not problems, "\n".join(problems)


def test_every_route_declares_an_access_rule() -> None:
    undeclared = []
    for route in all_routes():
        if route.is_api and is_api_operation(route.callback):
            undeclared += [f"{op.method} {route.route}" for op in api_operations(route) if op.rule is None]
        elif rule_for(route.callback) is None:
            undeclared.append(route.route)
    assert not undeclared, f"Routes without an access declaration: {undeclared}"


# Scoping: which records, beyond which pages.


def test_a_resident_asking_for_another_residents_record_gets_404(client: Client, estate: Estate) -> None:
    sign_in_resident(client, estate.resident)
    other = estate.other_resident.prison_number
    assert client.get(reverse("people:detail", args=[other])).status_code == 404
    assert client.get(reverse("api:person_detail", args=[other])).status_code == 404
    own = client.get(reverse("people:detail", args=[estate.resident.prison_number]))
    assert own.status_code == 302
    assert own["Location"] == reverse("people:me")


def test_an_officer_cannot_see_a_person_in_another_prison(client: Client, estate: Estate) -> None:
    officer = make_staff("wing_officer", [estate.mdi])
    sign_in_staff(client, officer)
    url = reverse("people:detail", args=[estate.lei_person.prison_number])
    assert client.get(url).status_code == 404
    assert client.get(url, {"purpose": "daily_care"}).status_code == 404
    api_url = reverse("api:person_detail", args=[estate.lei_person.prison_number])
    assert client.get(api_url, {"purpose": "daily_care", "establishment": "LEI"}).status_code == 404
    search = client.get(reverse("people:search"), {"query": estate.lei_person.prison_number})
    assert search.context["results"] == []
    # The same officer does see someone in their own prison, and the view is audited with its purpose.
    mine = client.get(reverse("people:detail", args=[estate.mdi_person.prison_number]), {"purpose": "daily_care"})
    assert mine.status_code == 200


def test_switching_to_an_unassigned_establishment_is_refused(client: Client, estate: Estate) -> None:
    officer = make_staff("wing_officer", [estate.mdi])
    sign_in_staff(client, officer)
    client.post(reverse("identity:switch_establishment"), {"establishment": "LEI", "next": "/"})
    url = reverse("people:detail", args=[estate.lei_person.prison_number])
    assert client.get(url, {"purpose": "daily_care"}).status_code == 404


def test_a_partner_token_cannot_reach_staff_pages_or_operations(estate: Estate) -> None:
    _user, secret = make_partner()
    client = Client()
    bearer = {"Authorization": f"Bearer {secret}"}
    for name in ("people:search", "core:audit", "identity:home"):
        response = client.get(reverse(name), headers=bearer)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
    api = client.get(
        reverse("api:person_detail", args=[estate.mdi_person.prison_number]), {"purpose": "x"}, headers=bearer
    )
    assert api.status_code == 403
    assert api.json()["code"] == "forbidden"


def test_a_token_is_limited_to_its_scopes_and_its_lifetime(estate: Estate) -> None:
    client = Client()
    lookup = reverse("api:lookup")
    _user, unscoped = make_partner(scopes=[])
    assert (
        client.get(lookup, {"prison_number": "A1234BC"}, headers={"Authorization": f"Bearer {unscoped}"}).status_code
        == 403
    )
    _user, secret = make_partner(establishments=[estate.mdi])
    bearer = {"Authorization": f"Bearer {secret}"}
    found = client.get(lookup, {"prison_number": estate.mdi_person.prison_number}, headers=bearer)
    assert found.status_code == 200
    assert found.json()["prison_number"] == estate.mdi_person.prison_number
    ApiToken.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    expired = client.get(lookup, {"prison_number": estate.mdi_person.prison_number}, headers=bearer)
    assert expired.status_code == 401
    assert expired.json() == {"code": "unauthenticated", "message": "Sign in or send a valid API token.", "fields": {}}


def test_tokens_are_stored_hashed(estate: Estate) -> None:
    _user, secret = make_partner()
    token = ApiToken.objects.get()
    assert secret not in (token.token_hash, token.prefix)
    assert token.token_hash != secret


def test_an_undeclared_route_is_refused(client: Client, estate: Estate, settings: Any) -> None:
    settings.ROOT_URLCONF = "tests.undeclared_urls"
    officer = make_staff("governor", [estate.mdi])
    sign_in_staff(client, officer)
    assert client.get("/undeclared/").status_code == 403
    assert client.get("/api/undeclared").status_code == 403
    assert client.get("/api/undeclared").json()["code"] == "undeclared_route"


def test_a_resident_device_session_is_refused_on_another_device(client: Client, estate: Estate) -> None:
    sign_in_resident(client, estate.resident)
    assert client.get(reverse("identity:home")).status_code == 200
    _other_device, other_token = make_device(estate.mdi)
    client.cookies["tg_device"] = other_token
    response = client.get(reverse("identity:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("identity:kiosk_login")
