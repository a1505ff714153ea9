"""The engine on its own: rolling the windows on by a day gives exactly what a full pass gives."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd

from throughgate.welfare import engine
from throughgate.welfare.indicators import INDICATORS, KIND_ID


def random_events(people: int, start: date, days: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = people * days * 4
    kinds = np.array(list(KIND_ID.values()), dtype=np.int16)
    offsets = rng.integers(0, days * 86_400, size=n)
    values = rng.integers(0, 3, size=n).astype(float)
    return pd.DataFrame(
        {
            "person_idx": rng.integers(0, people, size=n).astype(np.int32),
            "kind_id": rng.choice(kinds, size=n),
            "ts": pd.Timestamp(engine.local_midnight_utc(start)) + pd.to_timedelta(offsets, unit="s"),
            "value": values,
        }
    )


def test_rolling_windows_match_a_full_pass_across_a_clock_change() -> None:
    # 29 March 2026 is the start of British Summer Time: day edges are local midnights on both sides.
    frame = random_events(40, date(2025, 12, 1), 140)
    con = duckdb.connect()
    con.register("events", frame)
    rolling = engine.RollingWindows(con, "events", date(2026, 3, 20), 40)
    for step in range(1, 15):
        rolled = rolling.advance()
        fresh = engine.window_sums(con, "events", date(2026, 3, 20) + timedelta(days=step), 40)
        np.testing.assert_allclose(rolled.n, fresh.n)
        np.testing.assert_allclose(rolled.t, fresh.t)
        np.testing.assert_allclose(rolled.q, fresh.q)
        np.testing.assert_array_equal(rolled.last_visit_lag, fresh.last_visit_lag)


def test_static_factors_alone_never_flag_anyone() -> None:
    people = 20
    windows = engine.Windows(
        n=np.zeros((3, people, len(KIND_ID) + 1)),
        t=np.zeros((3, people, len(engine.AMOUNT_SLOTS))),
        last_visit_lag=np.full(people, np.inf),
        q=np.zeros((3, people, len(engine.AMOUNT_SLOTS))),
    )
    windows.n[:, :, KIND_ID["meal.chosen"]] = [[14], [14], [168]]
    everyone = np.ones(people, dtype=bool)
    result = engine.score(
        windows,
        engine.People(
            ids=[str(i) for i in range(people)],
            days_in_custody=np.full(people, 400),
            female=everyone,
            previous_self_harm=everyone,
            remand=everyone,
            first_time=everyone,
            group=np.zeros(people, dtype=np.int64),
            establishment=np.zeros(people, dtype=np.int64),
        ),
        engine.Config(),
    )
    assert set(result.colour) <= {"green", "insufficient_data"}
    assert (result.score == 0).all()


def test_scoring_a_rolled_day_equals_scoring_it_from_scratch() -> None:
    people = 60
    frame = random_events(people, date(2025, 11, 1), 130, seed=5)
    con = duckdb.connect()
    con.register("events", frame)
    rng = np.random.default_rng(1)
    arrays = engine.People(
        ids=[str(i) for i in range(people)],
        days_in_custody=rng.integers(2, 400, size=people),
        female=rng.random(people) < 0.3,
        previous_self_harm=rng.random(people) < 0.2,
        remand=rng.random(people) < 0.2,
        first_time=rng.random(people) < 0.3,
        group=rng.integers(0, 2, size=people),
        establishment=np.zeros(people, dtype=np.int64),
    )
    rolling = engine.RollingWindows(con, "events", date(2026, 2, 20), people)
    for step in range(1, 4):
        rolled = engine.score(rolling.advance(), arrays, engine.Config())
        fresh = engine.score(
            engine.window_sums(con, "events", date(2026, 2, 20) + timedelta(days=step), people), arrays, engine.Config()
        )
        np.testing.assert_array_equal(rolled.colour, fresh.colour)
        np.testing.assert_allclose(rolled.score, fresh.score)
        assert rolled.score.max() > 0  # the comparison is about real evidence


def test_small_tails_summed_equal_the_incomplete_beta() -> None:
    from scipy import special

    rng = np.random.default_rng(8)
    size = rng.choice([0.5, 3.5, 7.0, 14.0, 28.0, 196.0], size=20_000)
    mu = np.concatenate([rng.gamma(2.0, 3.0, size=19_000), rng.uniform(1e-6, 1e-3, size=1_000)])
    x = rng.integers(0, 12, size=20_000).astype(float)
    tail = engine._nb_tail(x, mu, size, lower=True)
    np.testing.assert_allclose(tail, special.betainc(size, x + 1, size / (size + mu)), rtol=1e-12, atol=0)
    assert (x <= engine.SMALL_COUNT).any()  # both ways are checked
    assert (x > engine.SMALL_COUNT).any()
    upper = engine._nb_tail(x, mu, size, lower=False)
    expected = np.where(x < 1, 1.0, special.betainc(np.maximum(x, 1), size, mu / (size + mu)))
    np.testing.assert_allclose(upper, expected, rtol=1e-12, atol=0)
    assert ((upper < 1e-3) & (x <= engine.SMALL_COUNT)).any()  # small tails that go through betainc
    assert ((upper >= 1e-3) & (x <= engine.SMALL_COUNT) & (x >= 1)).any()  # and those summed


def steady_estate(people: int, seed: int = 4) -> engine.Windows:
    """Everyone keeps a steady routine (Poisson counts around their own rates), 84 days of baseline, two weeks."""
    rng = np.random.default_rng(seed)
    slots = len(KIND_ID) + 1
    rates = np.zeros((people, slots))
    for kind, rate in (
        ("kiosk.login", 2.0),
        ("phone.call", 1.0),
        ("meal.chosen", 2.0),
        ("app.submitted", 0.3),
        ("activity.attended", 0.8),
        ("canteen.ordered", 0.15),
    ):
        rates[:, KIND_ID[kind]] = rate * rng.gamma(8.0, 1 / 8.0, size=people)
    n = np.stack([rng.poisson(rates * days) for days in (7, 7, 84)]).astype(float)
    t = np.zeros((3, people, len(engine.AMOUNT_SLOTS)))
    canteen = list(engine.AMOUNT_SLOTS).index(KIND_ID["canteen.ordered"])
    t[:, :, canteen] = n[:, :, KIND_ID["canteen.ordered"]] * 10.0
    q = np.zeros_like(t)
    q[:, :, canteen] = n[:, :, KIND_ID["canteen.ordered"]] * 100.0
    return engine.Windows(n=n, t=t, last_visit_lag=np.full(people, np.inf), q=q)


def settled_people(people: int, establishment: np.ndarray | None = None) -> engine.People:
    none = np.zeros(people, dtype=bool)
    place = np.zeros(people, dtype=np.int64) if establishment is None else establishment
    return engine.People(
        ids=[str(i) for i in range(people)],
        days_in_custody=np.full(people, 400),
        female=none,
        previous_self_harm=none,
        remand=none,
        first_time=none,
        group=place * 2,
        establishment=place,
    )


def test_several_moderate_drops_add_up_where_no_single_one_would() -> None:
    people = 600
    windows = steady_estate(people)
    changed = 0
    for kind in ("kiosk.login", "phone.call", "meal.chosen", "activity.attended"):  # each down by about 45%
        usual = windows.n[2, changed, KIND_ID[kind]] / 12
        windows.n[0, changed, KIND_ID[kind]] = round(0.55 * usual)
        windows.n[1, changed, KIND_ID[kind]] = round(0.55 * usual)
    result = engine.score(windows, settled_people(people), engine.Config())
    assert result.colour[changed] in ("amber", "red")
    codes = [INDICATORS[j].code for j in np.argsort(-result.contributions[changed])[:4]]
    assert set(codes) == {"kiosk", "calls", "meals", "attended"}  # the reasons name what moved
    single = engine.score(windows, settled_people(people), engine.Config(single_share=1.0, amber_threshold=1e9))
    # Each drop alone is modest: none comes near the amber threshold as single-indicator evidence.
    assert single.contributions[changed].max() < engine.Config().amber_threshold
    # Steady people are rarely shown: the combined score is a normal score under no change.
    others = result.colour[1:]
    assert np.isin(others, ["amber", "red"]).mean() < 0.03


def test_more_apps_and_kiosk_use_than_usual_is_a_warning_sign_too() -> None:
    people = 600
    windows = steady_estate(people)
    for kind, factor in (("app.submitted", 4.0), ("kiosk.login", 2.0)):
        usual = windows.n[2, 0, KIND_ID[kind]] / 12
        windows.n[0, 0, KIND_ID[kind]] = round(factor * usual) + 2
        windows.n[1, 0, KIND_ID[kind]] = round(factor * usual) + 2
    result = engine.score(windows, settled_people(people), engine.Config())
    assert result.colour[0] in ("amber", "red")
    top = {INDICATORS[j].code for j in np.argsort(-result.contributions[0])[:2]}
    assert top == {"apps_up", "kiosk_up"}


def test_a_change_the_whole_establishment_shares_is_not_a_change_in_the_person() -> None:
    # A lockdown in establishment 1: nobody there goes to work or the kiosk for the last week.
    people = 1200
    windows = steady_estate(people, seed=9)
    place = (np.arange(people) >= 600).astype(np.int64)
    for kind in ("activity.attended", "kiosk.login"):
        windows.n[0, place == 1, KIND_ID[kind]] = 0
    result = engine.score(windows, settled_people(people, place), engine.Config())
    shown = np.isin(result.colour, ["amber", "red"])
    assert shown[place == 1].mean() < 0.03
    assert abs(shown[place == 1].mean() - shown[place == 0].mean()) < 0.02


def test_women_are_not_scored_up_for_being_women() -> None:
    people = 300
    windows = steady_estate(people)
    men = settled_people(people)
    women = settled_people(people)
    women.female = np.ones(people, dtype=bool)
    np.testing.assert_allclose(
        engine.score(windows, men, engine.Config()).score, engine.score(windows, women, engine.Config()).score
    )
