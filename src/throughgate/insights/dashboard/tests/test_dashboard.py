import csv
import io
from datetime import datetime, time, timedelta

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_staff, sign_in_staff
from throughgate.core.errors import NotVisible
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.insights.dashboard import selectors
from throughgate.insights.events import FIGURES_EXPORTED
from throughgate.insights.measures import COUNT, MEASURES
from throughgate.insights.rollups import services
from throughgate.insights.tests.estate import TODAY, build
from throughgate.people.models import Person

pytestmark = pytest.mark.django_db


def _direct(place_pk: int, kind: str, how: str, week: object) -> int:
    """An independent count of the rows behind a figure: the events of that kind in that week of the people held in
    that prison, straight from the stream."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(week, time.min, tzinfo=zone)  # type: ignore[call-overload]
    end = start + timedelta(days=7)
    people = Person.objects.filter(establishment_id=place_pk).values("prison_number")
    rows = ActivityEvent.objects.filter(kind=kind, occurred_at__gte=start, occurred_at__lt=end, person__in=people)
    return rows.count() if how == COUNT else round(rows.aggregate(s=Sum("value"))["s"] or 0)


def test_every_figure_equals_a_direct_count_of_the_rows_behind_it() -> None:
    estate = build(weeks=3, per_day=30)
    services.roll_up_new_days(today=TODAY)
    governor = make_staff("governor", [estate.first])
    board = selectors.dashboard(user=governor, establishment=estate.first)
    assert board.end == TODAY - timedelta(days=1)
    series = {s.measure.code: s for _group, items in board.groups for s in items}
    assert set(series) == {m.code for m in MEASURES}
    week = board.starts[-2]
    nonzero = 0
    for measure in MEASURES:
        figure = dict(series[measure.code].rows)[week]
        assert figure == _direct(estate.first.pk, measure.kind, measure.how, week), measure.code
        nonzero += figure > 0
    assert nonzero >= 8  # the estate exercises most measures, so equality is not of zeros
    # The weeks before the first event are zero, and nothing was rolled up a year before.
    assert series["apps_raised"].figures[0] == 0
    assert series["apps_raised"].last_year is None


def test_the_same_week_last_year_is_shown_when_it_was_rolled_up() -> None:
    estate = build(weeks=1)
    zone = timezone.get_current_timezone()
    year_ago = TODAY - timedelta(days=7 + 364)
    for n in range(3):
        ActivityEvent.objects.create(
            person=estate.people[0].prison_number,
            kind="complaint.submitted",
            occurred_at=datetime.combine(year_ago + timedelta(days=n), time(10), tzinfo=zone),
            source="test",
            idempotency_key=f"last-year:{n}",
        )
    services.roll_up_new_days(today=TODAY)
    board = selectors.dashboard(user=make_staff("governor", [estate.first]), establishment=estate.first)
    series = {s.measure.code: s for _group, items in board.groups for s in items}
    assert series["complaints"].last_year == 3
    assert series["apps_raised"].last_year == 0


def test_a_governor_sees_their_prison_only_and_hq_sees_all(client: Client) -> None:
    estate = build(weeks=1)
    services.roll_up_new_days(today=TODAY)
    governor = make_staff("governor", [estate.first])
    with pytest.raises(NotVisible):
        selectors.dashboard(user=governor, establishment=estate.second)
    sign_in_staff(client, governor)
    assert client.get(reverse("insights:dashboard")).status_code == 200
    assert client.get(reverse("insights:dashboard") + "?establishment=ZIB").status_code == 404
    url = reverse("insights:export") + "?measure=complaints&establishment=ZIB"
    assert client.get(url).status_code == 404
    assert client.get(reverse("insights:estate")).status_code == 403
    hq = Client()
    sign_in_staff(hq, make_staff("hq_analyst"))
    page = hq.get(reverse("insights:estate"))
    assert page.status_code == 200
    assert b'data-establishment="ZIA"' in page.content
    assert b'data-establishment="ZIB"' in page.content
    assert hq.get(reverse("insights:dashboard") + "?establishment=ZIB").status_code == 200


def test_the_page_links_to_a_list_only_for_staff_who_may_open_it(client: Client) -> None:
    estate = build(weeks=1)
    services.roll_up_new_days(today=TODAY)
    sign_in_staff(client, make_staff("governor", [estate.first]))
    page = client.get(reverse("insights:dashboard")).content.decode()
    assert reverse("selfservice:complaint_queue") in page
    hq = Client()
    sign_in_staff(hq, make_staff("hq_analyst"))
    page = hq.get(reverse("insights:dashboard") + "?establishment=ZIA").content.decode()
    assert reverse("selfservice:complaint_queue") not in page  # HQ has figures, not the complaints themselves
    assert "<svg" in page
    assert "govuk-table" in page


def test_an_export_holds_back_small_numbers_and_is_audited(client: Client) -> None:
    estate = build(weeks=3, per_day=40)
    services.roll_up_new_days(today=TODAY)
    sign_in_staff(client, make_staff("governor", [estate.first]))
    response = client.get(reverse("insights:export") + "?measure=kiosk_sign_ins")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Wing"
    assert rows[-1][0] == "Total"
    body = [row[1:] for row in rows[1:]]
    held = 0
    for row in body:
        for cell in row:
            if cell == "[c]":
                held += 1
            else:
                assert int(cell) == 0 or int(cell) >= 5
                assert int(cell) % 5 == 0
    assert held  # this small estate has small counts to hold back
    for line in [*body, *zip(*body, strict=True)]:
        assert sum(cell == "[c]" for cell in line) != 1
    entry = AuditEntry.objects.get(action=FIGURES_EXPORTED)
    assert entry.detail["measure"] == "kiosk_sign_ins"
    assert entry.establishment == "ZIA"
    assert client.get(reverse("insights:export") + "?measure=nonsense").status_code == 404
