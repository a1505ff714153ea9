"""Visit booking rules: each refusal says why (over the allowance, outside a session, over capacity, an unapproved
contact, a restriction broken, too many visitors); retries store one booking; cancellations and outcomes write the
activity kinds AIM reads (visit.cancelled, visit.attended) with the reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import make_resident, make_staff
from throughgate.contact.contacts import services as contact_services
from throughgate.contact.contacts.models import RestrictionKind
from throughgate.contact.tests.factories import approved_contact, key, next_weekday, security, session
from throughgate.contact.visits import selectors, services
from throughgate.contact.visits.models import CancelReason, VisitKind, VisitOutcome, VisitStatus
from throughgate.core.errors import InvalidTransition, NotVisible
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.people.models import IncentiveLevel

pytestmark = pytest.mark.django_db


def _staff(establishment: Any) -> Any:
    return make_staff("visits_booking", [establishment])


def _book(by: Any, person: Any, s: Any, day: dt.date, visitors: list[Any], **kw: Any) -> services.Booked:
    return services.visit_book_by_staff(
        by=by, person=person, session=s, day=day, visitors=visitors, idempotency_key=kw.pop("k", key()), **kw
    )


def test_a_booking_is_stored_once_per_key_and_audited(establishment: Any) -> None:
    person = make_resident(establishment)
    contact = approved_contact(person)
    s = session(establishment)
    booker = _staff(establishment)
    day = next_weekday(s.weekday)
    same = key()
    first = _book(booker, person, s, day, [contact], k=same)
    again = _book(booker, person, s, day, [contact], k=same)
    assert first.created
    assert not again.created
    assert first.visit.pk == again.visit.pk
    assert AuditEntry.objects.filter(action="contact.visit.booked", subject=person.prison_number).count() == 1
    assert [v.pk for v in selectors.own_upcoming(user=person.user)] == [first.visit.pk]


def test_outside_a_session_is_refused(establishment: Any) -> None:
    person = make_resident(establishment)
    contact = approved_contact(person)
    s = session(establishment, weekday=5)
    wrong_day = next_weekday(2)
    with pytest.raises(services.VisitRefused) as exc:
        _book(_staff(establishment), person, s, wrong_day, [contact])
    assert exc.value.code == "no_session"
    assert "no visiting session" in exc.value.message


def test_a_session_for_other_wings_or_levels_is_refused(establishment: Any) -> None:
    person = make_resident(establishment, incentive_level=IncentiveLevel.BASIC)
    contact = approved_contact(person)
    s = session(establishment, incentive_levels=[IncentiveLevel.ENHANCED])
    with pytest.raises(services.VisitRefused) as exc:
        _book(_staff(establishment), person, s, next_weekday(s.weekday), [contact])
    assert "incentive level" in exc.value.message
    assert selectors.slots_for(person) == []


def test_over_capacity_is_refused(establishment: Any) -> None:
    s = session(establishment, open_capacity=1, closed=0)
    day = next_weekday(s.weekday)
    booker = _staff(establishment)
    one, two = make_resident(establishment), make_resident(establishment)
    _book(booker, one, s, day, [approved_contact(one)])
    with pytest.raises(services.VisitRefused) as exc:
        _book(booker, two, s, day, [approved_contact(two, "Pat")])
    assert exc.value.code == "full"
    assert "full" in exc.value.message
    with pytest.raises(services.VisitRefused) as closed:
        _book(booker, two, s, day, [approved_contact(two, "Lou")], kind=VisitKind.CLOSED)
    assert closed.value.code == "full"


def test_over_the_allowance_is_refused(establishment: Any) -> None:
    person = make_resident(establishment)
    contact = approved_contact(person)
    booker = _staff(establishment)
    services.allowance_set(
        by=booker, establishment=establishment, incentive_level=person.incentive_level, visits_per_month=1
    )
    s = session(establishment)
    first = next_weekday(s.weekday)
    while (first + dt.timedelta(days=7)).month != first.month:  # a week with another like it later in its month
        first += dt.timedelta(days=7)
    _book(booker, person, s, first, [contact])
    with pytest.raises(services.VisitRefused) as exc:
        _book(booker, person, s, first + dt.timedelta(days=7), [contact])
    assert exc.value.code == "over_allowance"
    assert "used all 1 visits" in exc.value.message
    other_month = next(
        first + dt.timedelta(days=7 * n) for n in range(1, 7) if (first + dt.timedelta(days=7 * n)).month != first.month
    )
    assert _book(booker, person, s, other_month, [contact]).created


def test_the_allowance_counts_the_month_and_a_cancelled_visit_gives_it_back(establishment: Any) -> None:
    person = make_resident(establishment)
    contact = approved_contact(person)
    booker = _staff(establishment)
    services.allowance_set(
        by=booker, establishment=establishment, incentive_level=person.incentive_level, visits_per_month=1
    )
    s1 = session(establishment, weekday=5)
    s2 = session(establishment, weekday=5, room="Family room")
    day = next_weekday(5)
    booked = _book(booker, person, s1, day, [contact]).visit
    with pytest.raises(services.VisitRefused) as exc:
        _book(booker, person, s2, day, [contact])
    assert exc.value.code == "over_allowance"
    services.visit_cancel(by=booker, visit=booked, reason=CancelReason.PRISONER)
    assert _book(booker, person, s2, day, [contact]).created


def test_an_unapproved_contact_is_refused(establishment: Any) -> None:
    person = make_resident(establishment)
    waiting = approved_contact(person, "Wes", "Waiting", approve=False)
    other = make_resident(establishment)
    someone_elses = approved_contact(other, "Oli", "Other")
    s = session(establishment)
    for visitor in (waiting, someone_elses):
        with pytest.raises(services.VisitRefused) as exc:
            _book(_staff(establishment), person, s, next_weekday(s.weekday), [visitor])
        assert exc.value.code == "not_approved"
        assert "not an approved visitor" in exc.value.message


def test_restrictions_are_enforced(establishment: Any) -> None:
    person = make_resident(establishment)
    adult = approved_contact(person, "Ada", "Adult", date_of_birth=dt.date(1980, 1, 1))
    child = approved_contact(person, "Cy", "Child", date_of_birth=timezone.localdate() - dt.timedelta(days=365 * 8))
    s = session(establishment)
    day = next_weekday(s.weekday)
    officer = security(establishment)
    for kind in (RestrictionKind.CHILD_CONTACT, RestrictionKind.CLOSED_VISITS):
        contact_services.restriction_record(
            by=officer,
            person=person,
            new=contact_services.NewRestriction(kind=kind, reason="Public protection", starts_on=timezone.localdate()),
        )
    booker = _staff(establishment)
    with pytest.raises(services.VisitRefused) as with_child:
        _book(booker, person, s, day, [adult, child], kind=VisitKind.CLOSED)
    assert with_child.value.code == "restricted"
    assert "child" in with_child.value.message
    with pytest.raises(services.VisitRefused) as open_visit:
        _book(booker, person, s, day, [adult])
    assert "closed visits" in open_visit.value.message
    assert _book(booker, person, s, day, [adult], kind=VisitKind.CLOSED).visit.kind == VisitKind.CLOSED


def test_a_no_contact_restriction_after_approval_refuses_the_booking(establishment: Any) -> None:
    person = make_resident(establishment)
    contact = approved_contact(person)
    s = session(establishment)
    day = next_weekday(s.weekday)
    contact_services.restriction_record(
        by=security(establishment),
        person=person,
        new=contact_services.NewRestriction(
            kind=RestrictionKind.NO_CONTACT, reason="Ban from next month", starts_on=day, contact_id=contact.pk
        ),
    )
    with pytest.raises(services.VisitRefused) as exc:
        _book(_staff(establishment), person, s, day, [contact])
    assert exc.value.code == "restricted"


def test_room_rules_for_adults_and_children(establishment: Any) -> None:
    person = make_resident(establishment)
    s = session(establishment, max_adults=1, max_children=1)
    day = next_weekday(s.weekday)
    kid = timezone.localdate() - dt.timedelta(days=365 * 6)
    a1, a2 = approved_contact(person, "Ann"), approved_contact(person, "Bob")
    c1, c2 = approved_contact(person, "Cal", date_of_birth=kid), approved_contact(person, "Dee", date_of_birth=kid)
    booker = _staff(establishment)
    with pytest.raises(services.VisitRefused) as adults:
        _book(booker, person, s, day, [a1, a2])
    assert "up to 1 adults and 1 children" in adults.value.message
    with pytest.raises(services.VisitRefused) as alone:
        _book(booker, person, s, day, [c1])
    assert alone.value.code == "no_adult"
    with pytest.raises(services.VisitRefused):
        _book(booker, person, s, day, [a1, c1, c2])
    assert _book(booker, person, s, day, [a1, c1]).created


def test_cancel_and_outcomes_write_the_kinds_aim_reads(establishment: Any) -> None:
    person = make_resident(establishment)
    contact = approved_contact(person)
    booker = _staff(establishment)
    s = session(establishment)
    day = next_weekday(s.weekday)
    cancelled = _book(booker, person, s, day, [contact]).visit
    services.visit_cancel(by=booker, visit=cancelled, reason=CancelReason.ESTABLISHMENT, note="Staffing")
    event = ActivityEvent.objects.get(kind="visit.cancelled", person=person.prison_number)
    assert event.payload["reason"] == "establishment"
    with pytest.raises(InvalidTransition):
        services.visit_cancel(by=booker, visit=cancelled, reason=CancelReason.VISITOR)

    attended = _book(booker, person, s, day, [contact]).visit
    hall = make_staff("wing_officer", [establishment])
    on_the_day = timezone.make_aware(dt.datetime.combine(day, dt.time(15, 0)))
    with pytest.raises(InvalidTransition):
        services.visit_outcome_record(by=hall, visit=attended, outcome=VisitOutcome.ATTENDED)  # before its day
    services.visit_arrived(by=hall, visit=attended, now=on_the_day)
    services.visit_outcome_record(by=hall, visit=attended, outcome=VisitOutcome.ATTENDED, now=on_the_day)
    went = ActivityEvent.objects.get(kind="visit.attended", person=person.prison_number)
    assert went.occurred_at == timezone.make_aware(dt.datetime.combine(day, dt.time(14, 0)))

    no_show = _book(booker, person, s, day, [contact]).visit
    services.visit_outcome_record(by=hall, visit=no_show, outcome=VisitOutcome.VISITOR_DID_NOT_ARRIVE, now=on_the_day)
    assert ActivityEvent.objects.filter(kind="visit.cancelled", person=person.prison_number).count() == 2
    no_show.refresh_from_db()
    assert no_show.status == VisitStatus.COMPLETED
    assert AuditEntry.objects.filter(action="contact.visit.outcome").count() == 2


def test_staff_of_another_prison_cannot_book_or_see(establishment: Any, other_establishment: Any) -> None:
    person = make_resident(establishment)
    contact = approved_contact(person)
    s = session(establishment)
    outsider = _staff(other_establishment)
    with pytest.raises(NotVisible):
        _book(outsider, person, s, next_weekday(s.weekday), [contact])
    with pytest.raises(NotVisible):
        selectors.person_for_visits(
            user=outsider, establishment=other_establishment, prison_number=person.prison_number
        )
    with pytest.raises(PermissionDenied):
        _book(make_staff("wing_officer", [establishment]), person, s, next_weekday(s.weekday), [contact])


def test_slots_show_the_places_left(establishment: Any) -> None:
    person = make_resident(establishment)
    s = session(establishment, open_capacity=2, closed=1)
    day = next_weekday(s.weekday)
    _book(_staff(establishment), person, s, day, [approved_contact(person)])
    choice = next(c for c in selectors.slots_for(person) if c.date == day)
    assert (choice.open_left, choice.closed_left) == (1, 1)
