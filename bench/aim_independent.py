"""AIM against an independent synthetic estate, through the command contract only.

    uv run python bench/aim_independent.py --people 6000 --prisons 4 --history 90 --scored 42 --seed 1
    ... --signal-strength 0.5 --rise-share 0.8 --silent-share 0.3 --workdir /tmp/aim-run --out report.json

Generates an estate (`throughgate.welfare.estates.independent`), ingests the first `history` days with
`throughgate aim ingest` into a fresh SQLite database, then for each scored day runs `throughgate aim score --as-of
DAY` and afterwards ingests that day's events. The daily CSVs are scored against the estate's truth and the report
printed. The estate runs 14 days past the last scored day so that every scored day's 14-day outcome is known.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from throughgate.welfare.estates.independent import (
    DEFAULT_START,
    HORIZON,
    Sweep,
    format_report,
    generate,
    read_flags_csv,
    score_flags,
    write_jsonl,
)


def throughgate_command() -> list[str]:
    """The `throughgate` console script next to this Python, or the same entry point through this Python."""
    script = Path(sys.executable).with_name("throughgate")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from throughgate.cli import main; sys.argv[0] = 'throughgate'; main()"]


def run(args: list[str], env: dict[str, str], *, what: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*throughgate_command(), *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or (args[:2] == ["aim", "ingest"] and done.stderr.strip()):
        print(f"{what} failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}", file=sys.stderr)
        raise SystemExit(f"{what}: every generated line should be valid and every command should succeed")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=6000)
    parser.add_argument("--prisons", type=int, default=4)
    parser.add_argument("--history", type=int, default=90, help="days ingested before the first scored day")
    parser.add_argument("--scored", type=int, default=42, help="days scored, one `aim score` each")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=date.fromisoformat, default=DEFAULT_START)
    defaults = Sweep()
    for name, value in vars(defaults).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    parser.add_argument("--workdir", type=Path, default=None, help="default: a new temporary directory")
    parser.add_argument("--out", type=Path, default=Path("report.json"))
    args = parser.parse_args(argv)
    sweep = {name: getattr(args, name) for name in vars(defaults)}

    began = time.monotonic()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="aim-independent-"))
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "estate.sqlite3"
    database.unlink(missing_ok=True)
    env = os.environ | {"DATABASE_URL": f"sqlite:///{database.resolve()}"}

    estate = generate(
        people=args.people,
        days=args.history + args.scored + HORIZON,
        seed=args.seed,
        prisons=args.prisons,
        start=args.start,
        **sweep,
    )
    truth = estate.truth
    print(
        f"generated {args.people} people, {len(estate.events)} events, {len(truth['episodes'])} episodes "
        f"({sum(not e['silent'] for e in truth['episodes'])} with a change), {len(truth['decoys'])} decoys, "
        f"{len(truth['lockdowns'])} lockdowns in {time.monotonic() - began:.1f}s; workdir {workdir}",
        flush=True,
    )
    (workdir / "truth.json").write_text(json.dumps(truth, indent=1))

    run(["migrate", "--noinput"], env, what="migrate")
    first_scored = args.start + timedelta(days=args.history)
    history = workdir / "history.jsonl"
    lines = write_jsonl(estate, history, until=first_scored)
    done = run(["aim", "ingest", str(history)], env, what="ingest history")
    print(f"ingested {lines} history lines: {done.stdout.strip()}", flush=True)

    daily = {}
    for offset in range(args.scored):
        day = first_scored + timedelta(days=offset)
        flags = workdir / f"{day.isoformat()}.csv"
        run(["aim", "score", "--as-of", day.isoformat(), "--out", str(flags)], env, what=f"score {day}")
        daily[day] = read_flags_csv(flags)
        shown = sum(colour in ("red", "amber") for colour, _ in daily[day].values())
        slice_ = workdir / f"{day.isoformat()}.jsonl"
        lines = write_jsonl(estate, slice_, from_=day, until=day + timedelta(days=1))
        run(["aim", "ingest", str(slice_)], env, what=f"ingest {day}")
        print(
            f"{day}: {len(daily[day])} scored, {shown} red/amber; ingested {lines} lines "
            f"({time.monotonic() - began:.0f}s)",
            flush=True,
        )

    result = score_flags(estate, daily)
    result["run"] = {
        "people": args.people,
        "prisons": args.prisons,
        "history": args.history,
        "scored": args.scored,
        "seed": args.seed,
        "start": args.start.isoformat(),
        "sweep": sweep,
    }
    args.out.write_text(json.dumps(result, indent=1))
    print()
    print(format_report(result))
    print(f"\nreport written to {args.out} ({time.monotonic() - began:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
