"""Compile every translation catalogue (django.po) under src/ into the django.mo beside it, with polib.

Django's compilemessages needs GNU gettext's msgfmt; this needs only polib (a dev dependency), so the .mo files can
be built and checked anywhere. Both files are committed: the running service reads the .mo and never needs gettext.

    uv run python scripts/compile_messages.py           # write every django.mo that is missing or out of date
    uv run python scripts/compile_messages.py --check   # write nothing; exit 1 if any django.mo is out of date

A catalogue with an untranslated or fuzzy entry still compiles (those entries fall back to English), but the
translation tests (src/throughgate/core/tests/test_translations.py) fail on it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src"


def catalogues(root: Path = SOURCE) -> list[Path]:
    """Every django.po under a LC_MESSAGES folder below ``root``, in a stable order."""
    return sorted(root.glob("**/locale/*/LC_MESSAGES/django.po"))


def compiled(po_path: Path) -> bytes:
    """The .mo file's bytes for a .po file: its translated entries only, sorted, as msgfmt would write them."""
    return bytes(polib.pofile(str(po_path)).to_binary())


def mo_path(po_path: Path) -> Path:
    return po_path.with_suffix(".mo")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; fail if a .mo is missing or stale")
    args = parser.parse_args(argv)
    stale = []
    for po in catalogues():
        data = compiled(po)
        target = mo_path(po)
        if target.is_file() and target.read_bytes() == data:
            continue
        stale.append(target)
        if not args.check:
            target.write_bytes(data)
            print(f"compiled {po.relative_to(ROOT)} -> {target.name}")
    if args.check and stale:
        for target in stale:
            print(f"out of date: {target.relative_to(ROOT)} (run scripts/compile_messages.py)", file=sys.stderr)
        return 1
    if not stale:
        print("every .mo is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
