"""Insights benchmark: the daily rollup and the governor's dashboard on a synthetic estate, in one process.

Reports, from one run on a fresh SQLite file:
- a full rebuild of the daily figures (every day of the stream) and the incremental rollup of one new day (the
  nightly job's work), target: one day <= 0.1x the rebuild;
- the governor's dashboard against the bare view (the full middleware stack, no database; bench/benchurls.py),
  served in-process by Django's test client to one signed-in governor, alternating bare / dashboard three times and
  taking the median round; target: dashboard >= 0.3x the bare view's requests per second.

    uv run python bench/insights.py                          # 10 prisons x 600 people x 90 days
    uv run python bench/insights.py --prisons 4 --people 300 --days 30

Figures and notes: docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
WORKDIR = tempfile.mkdtemp(prefix="bench-insights-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR}/bench.sqlite3"
os.environ["THROUGHGATE_ENV"] = "development"
os.environ["DJANGO_DEBUG"] = "false"
os.environ["THROUGHGATE_URLCONF"] = "bench.benchurls"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from tests.factories import EstablishmentFactory, PersonFactory, cell_in, make_staff, sign_in_staff  # noqa: E402
from throughgate.core import activity  # noqa: E402
from throughgate.insights.measures import KINDS  # noqa: E402
from throughgate.insights.rollups import services  # noqa: E402

DAY_TARGET, PAGE_TARGET = 0.1, 0.3


def events_for(day: date, numbers: list[str], rng: random.Random, per_person: float) -> list[activity.NewEvent]:
    zone = timezone.get_current_timezone()
    out = []
    for number in numbers:
        for n in range(int(per_person) + (rng.random() < per_person % 1)):
            at = datetime.combine(day, clock(rng.randint(7, 21), rng.randint(0, 59)), tzinfo=zone)
            kind = rng.choice(KINDS)
            out.append(activity.NewEvent(number, kind, at, f"bench:{number}:{day}:{n}", rng.randint(1, 9)))
    return out


def build(prisons: int, people: int, days: int, today: date, per_person: float) -> tuple[object, list[str], int]:
    rng = random.Random(18)
    numbers: list[str] = []
    places = []
    for p in range(prisons):
        place = EstablishmentFactory(code=f"Z{chr(65 + p // 26)}{chr(65 + p % 26)}", name=f"HMP Bench {p}")
        places.append(place)
        cells = [cell_in(place, wing=w, cell=f"{c:03d}") for w in "ABCD" for c in range(10)]
        for i in range(people):
            numbers.append(PersonFactory(establishment=place, location=cells[i % len(cells)]).prison_number)
    stored = 0
    for back in range(days, 0, -1):
        stored += activity.emit_many(
            events=events_for(today - timedelta(days=back), numbers, rng, per_person), source="bench"
        )
    return places[0], numbers, stored


def rps(client: Client, url: str, seconds: float) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        done += 1
    return done / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--prisons", type=int, default=10)
    parser.add_argument("--people", type=int, default=600, help="people per prison")
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--per-person", type=float, default=1.5, help="events per person per day")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each page round")
    args = parser.parse_args()

    call_command("migrate", verbosity=0, interactive=False)
    today = timezone.localdate()
    began = time.perf_counter()
    place, numbers, stored = build(args.prisons, args.people, args.days, today - timedelta(days=1), args.per_person)
    print(
        f"estate: {args.prisons} prisons x {args.people} people, {stored:,} events over {args.days} days "
        f"({time.perf_counter() - began:.1f} s to build)"
    )

    began = time.perf_counter()
    full = services.rebuild(today=today - timedelta(days=1))
    full_s = time.perf_counter() - began
    # The next day arrives; the nightly job rolls up that one day.
    activity.emit_many(
        events=events_for(today - timedelta(days=1), numbers, random.Random(19), args.per_person), source="bench"
    )
    began = time.perf_counter()
    one = services.roll_up_new_days(today=today)
    day_s = time.perf_counter() - began
    assert one.days == 1, one
    day_ratio = day_s / full_s
    print(
        f"rollup: full rebuild {full.days} days {full_s:.2f} s ({full.rows:,} rows); one new day {day_s:.3f} s; "
        f"ratio {day_ratio:.3f}x (target <= {DAY_TARGET}x)"
    )

    client = Client()
    sign_in_staff(client, make_staff("governor", [place]))
    assert client.get("/insights/").status_code == 200
    bare, page = [], []
    for _round in range(3):
        bare.append(rps(client, "/bench/bare", args.seconds))
        page.append(rps(client, "/insights/", args.seconds))
    ratios = [p / b for p, b in zip(page, bare, strict=True)]
    page_ratio = statistics.median(ratios)
    print(
        f"page: bare {statistics.median(bare):,.0f} req/s, dashboard {statistics.median(page):,.1f} req/s; "
        f"rounds {', '.join(f'{r:.3f}' for r in ratios)}; ratio {page_ratio:.3f}x (target >= {PAGE_TARGET}x)"
    )
    met = day_ratio <= DAY_TARGET and page_ratio >= PAGE_TARGET
    print("targets met" if met else "a target was missed")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
