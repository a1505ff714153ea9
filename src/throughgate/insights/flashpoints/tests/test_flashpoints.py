from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import EstablishmentFactory, PersonFactory, cell_in, make_staff, sign_in_staff
from throughgate.core import activity
from throughgate.insights.flashpoints.rules import rule
from throughgate.insights.flashpoints.selectors import flashpoints
from throughgate.insights.rollups import services

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 30)


def _events(person: str, kind: str, per_week: list[int]) -> None:
    """``per_week[i]`` events of the kind in the 7-day window i weeks back (0 = the 7 days up to yesterday)."""
    zone = timezone.get_current_timezone()
    for back, count in enumerate(per_week):
        for n in range(count):
            day = TODAY - timedelta(days=1 + 7 * back + n % 7)
            activity.emit(
                person=person,
                kind=kind,
                occurred_at=datetime.combine(day, time(10, n % 60), tzinfo=zone),
                source="test",
                idempotency_key=f"fp:{person}:{kind}:{back}:{n}",
            )


@pytest.fixture
def wings() -> dict[str, object]:
    place = EstablishmentFactory(code="ZFP", name="HMP Flashpoint")
    a = [PersonFactory(establishment=place, location=cell_in(place, wing="A", cell=f"00{i}")) for i in range(3)]
    b = [PersonFactory(establishment=place, location=cell_in(place, wing="B", cell=f"00{i}")) for i in range(3)]
    quiet = [1, 1, 1, 1, 1, 2, 1, 1, 1]  # a baseline of 9 / 8 = 1.1 a week
    # Wing A: complaints and activity refusals both climb in the last week.
    _events(a[0].prison_number, "complaint.submitted", [9, *quiet[1:]])
    _events(a[1].prison_number, "activity.refused", [7, *quiet[1:]])
    _events(a[2].prison_number, "kiosk.login", [5] * 9)
    # Wing B: one noisy signal (complaints), everything else as usual.
    _events(b[0].prison_number, "complaint.submitted", [12, *quiet[1:]])
    _events(b[1].prison_number, "activity.refused", quiet)
    services.roll_up_new_days(today=TODAY)
    return {"place": place, "governor": make_staff("governor", [place])}


def test_a_wing_where_two_signals_rise_together_is_flagged_with_its_reasons(wings: dict[str, object]) -> None:
    found = flashpoints(user=wings["governor"], establishment=wings["place"])  # type: ignore[arg-type]
    assert [point.wing for point in found] == ["A"]
    point = found[0]
    assert point.end == TODAY - timedelta(days=1)
    assert {rise.signal.kind for rise in point.rises} == {"complaint.submitted", "activity.refused"}
    assert "Complaints: 9 in the 7 days to 29 March 2026, usually 1.1 a week" in point.reasons
    assert any(url == reverse("selfservice:complaint_queue") for _title, url in point.links)


def test_the_thresholds_come_from_settings(wings: dict[str, object]) -> None:
    with override_settings(INSIGHTS_FLASHPOINTS={"min_signals": 1}):
        assert rule().min_signals == 1
        found = flashpoints(user=wings["governor"], establishment=wings["place"])  # type: ignore[arg-type]
        assert [point.wing for point in found] == ["A", "B"]
    with override_settings(INSIGHTS_FLASHPOINTS={"rise_factor": 10}):
        assert flashpoints(user=wings["governor"], establishment=wings["place"]) == []  # type: ignore[arg-type]
    with override_settings(INSIGHTS_FLASHPOINTS={"nonsense": 1}), pytest.raises(ValueError, match="nonsense"):
        rule()


def test_the_dashboard_shows_the_flashpoint(client: Client, wings: dict[str, object]) -> None:
    sign_in_staff(client, wings["governor"])  # type: ignore[arg-type]
    page = client.get(reverse("insights:dashboard")).content.decode()
    assert 'data-wing="A"' in page
    assert 'data-wing="B"' not in page
    assert "Activity sessions refused: 7 in the 7 days to 29 March 2026" in page
