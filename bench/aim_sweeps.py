"""AIM on the independent estate across sweeps: recall, alerts raised, delay and fairness per setting, and the
worst of them (the figure thresholds are chosen by). Each run is ``aim evaluate --generator independent`` in one
process (``evaluation.run_independent``: 90 days of history, 42 scored with the same engine, episodes and reasons).

    uv run python bench/aim_sweeps.py                          # 6,000 people, seeds 1 and 2, every sweep
    uv run python bench/aim_sweeps.py --people 3000 --seeds 1 --only signal_strength=0.6
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from throughgate.welfare import evaluation  # noqa: E402

SWEEPS: tuple[dict[str, float], ...] = (
    {},
    {"signal_strength": 0.6},
    {"signal_strength": 1.5},
    {"rise_share": 0.8},
    {"rise_share": 0.1},
    {"sparse_share": 0.35},
    {"lockdowns": 5},
    {"indicators_moving": 1.5},
    {"indicators_moving": 5},
    {"silent_share": 0.2},
)


def _parse(item: str) -> dict[str, float]:
    name, _sep, value = item.partition("=")
    return {name: int(value) if name == "lockdowns" else float(value)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=6000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--only", action="append", default=[], help="NAME=VALUE: run this sweep only")
    parser.add_argument("--out", type=Path, default=None, help="write every run's report as JSON here")
    args = parser.parse_args()
    sweeps = [_parse(item) for item in args.only] or list(SWEEPS)
    rows, reports = [], []
    print(
        "setting | recall (found / eligible) | red / amber raised per 100 per week, stable | median delay"
        " | groups outside 0.8-1.25"
    )
    for sweep in sweeps:
        found = eligible = outside = 0
        red, amber, delays = [], [], []
        started = time.perf_counter()
        for seed in args.seeds:
            report = evaluation.run_independent(people=args.people, seed=seed, sweep=sweep)
            reports.append(report)
            found += report["recall"]["detected"]
            eligible += report["recall"]["eligible"]
            red.append(report["alert_rate"]["stable"]["red"])
            amber.append(report["alert_rate"]["stable"]["amber"])
            if report["median_delay_days"] is not None:
                delays.append(report["median_delay_days"])
            outside += report["fairness"]["groups_outside_band"]
        recall = found / eligible if eligible else float("nan")
        rows.append((sweep, recall, max(red), max(amber), max(delays, default=float("nan")), outside))
        label = ", ".join(f"{k}={v}" for k, v in sweep.items()) or "defaults"
        print(
            f"{label} | {recall:.2f} ({found} / {eligible}) | {statistics.mean(red):.2f} / "
            f"{statistics.mean(amber):.2f} | {statistics.median(delays) if delays else 'n/a'} | {outside} | "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    worst = min(rows, key=lambda r: r[1])
    print(
        f"worst recall {worst[1]:.2f} ({worst[0] or 'defaults'}); highest red {max(r[2] for r in rows):.2f}, "
        f"amber {max(r[3] for r in rows):.2f}; longest median delay {max(r[4] for r in rows)}; "
        f"groups outside the band in all runs {sum(r[5] for r in rows)}"
    )
    if args.out is not None:
        args.out.write_text(json.dumps(reports, indent=1, default=str))


if __name__ == "__main__":
    main()
