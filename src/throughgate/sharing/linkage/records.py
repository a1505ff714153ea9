"""The command contract's input: read a people CSV, report bad rows by line, and prepare columns for comparison.

Required header columns: ``id,given_name,family_name,date_of_birth``; known optional ones:
``sex,postcode,pnc_id,nhs_number``; any further column is an *extra* (compared when both files have it).
Any column but ``id`` may be empty. Dates are ISO (``YYYY-MM-DD``); a date of that shape that is not on the calendar
(``1980-02-30``) is kept, because a mistyped date still says something when compared.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from throughgate.sharing.linkage import names

REQUIRED = ("id", "given_name", "family_name", "date_of_birth")
OPTIONAL = ("sex", "postcode", "pnc_id", "nhs_number")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PNC = re.compile(r"(\d{2}|\d{4})/?(\d{1,7})([A-Z])")
_SEX = {"M": "M", "MALE": "M", "F": "F", "FEMALE": "F"}
_EXTRA_NAME = re.compile(r"[a-z][a-z0-9_]{0,40}")


class InputError(ValueError):
    """A file that cannot be read at all (missing header columns, not a CSV)."""


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class PeopleTable:
    """Prepared rows (one pandas frame, string columns), the extra columns found, and the rows skipped."""

    path: str
    frame: pd.DataFrame
    extras: list[str]
    bad_rows: list[BadRow] = field(default_factory=list)

    @property
    def columns(self) -> set[str]:
        return set(self.frame.columns)


def _pnc(value: str) -> str:
    """``01/123X``, ``2001/0000123X`` -> ``2001/0000123X`` (two-digit years below 40 taken as 20xx)."""
    text = value.strip().upper().replace(" ", "")
    found = _PNC.fullmatch(text)
    if not found:
        return text
    year, serial, letter = found.groups()
    if len(year) == 2:
        year = ("20" if int(year) < 40 else "19") + year
    return f"{year}/{int(serial):07d}{letter}"


def _postcode(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper())


def _outward(postcode: str) -> str:
    """The district of a UK postcode (all but the last three characters); other codes lose their last character."""
    if len(postcode) >= 5:
        return postcode[:-3]
    return postcode[:-1]


def _extra(value: str) -> str:
    return " ".join(value.upper().split())


def read_people(path: Path | str, *, extras_allowed: Iterable[str] | None = None) -> PeopleTable:
    """Read one CSV of the contract. Raises InputError when the file as a whole cannot be used."""
    path = Path(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot be opened ({exc.strerror})") from exc
    with handle:
        try:
            return _read(handle, str(path), extras_allowed)
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: is not UTF-8 text") from exc
        except csv.Error as exc:
            raise InputError(f"{path}: is not a readable CSV ({exc})") from exc


def people_table(rows: Iterable[dict[str, str]], *, label: str, columns: list[str]) -> PeopleTable:
    """Rows already in memory (the product's records) as a table, through the same checks as a file."""
    header = list(columns)
    return _read(([row.get(column, "") or "" for column in header] for row in rows), label, None, header=header)


def _read(
    handle: Iterable[Any], label: str, extras_allowed: Iterable[str] | None, *, header: list[str] | None = None
) -> PeopleTable:
    reader: Any = csv.reader(handle) if header is None else _Lines(iter(handle))
    if header is None:
        try:
            header = [column.strip().lower() for column in next(reader)]
        except StopIteration as exc:
            raise InputError(f"{label}: is empty (it needs a header line)") from exc
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise InputError(f"{label}: the header lacks {', '.join(missing)}")
    if len(set(header)) != len(header):
        raise InputError(f"{label}: the header names a column twice")
    extras = [c for c in header if c not in REQUIRED and c not in OPTIONAL and _EXTRA_NAME.fullmatch(c)]
    if extras_allowed is not None:
        allowed = set(extras_allowed)
        extras = [c for c in extras if c in allowed]
    rows, bad = _rows(reader, header, extras)
    frame = _frame(rows, header, extras)
    return PeopleTable(path=label, frame=frame, extras=extras, bad_rows=bad)


class _Lines:
    """Rows in memory with a ``line_num`` like csv.reader's (line 1 is the header)."""

    def __init__(self, rows: Iterator[list[str]]) -> None:
        self._rows = rows
        self.line_num = 1

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> list[str]:
        row = next(self._rows)
        self.line_num += 1
        return row


def _rows(reader: Any, header: list[str], extras: list[str]) -> tuple[list[dict[str, str]], list[BadRow]]:
    rows: list[dict[str, str]] = []
    bad: list[BadRow] = []
    seen: dict[str, int] = {}
    width = len(header)
    for fields in reader:
        line = reader.line_num
        if not fields or all(not value.strip() for value in fields):
            continue
        if len(fields) != width:
            bad.append(BadRow(line, f"has {len(fields)} fields where the header has {width}"))
            continue
        row = {column: value.strip() for column, value in zip(header, fields, strict=True)}
        identifier = row["id"]
        if not identifier:
            bad.append(BadRow(line, "has no id"))
            continue
        if identifier in seen:
            bad.append(BadRow(line, f"repeats the id {identifier!r} of line {seen[identifier]}"))
            continue
        dob = row["date_of_birth"]
        if dob and not _DATE.fullmatch(dob):
            bad.append(BadRow(line, f"date_of_birth {dob!r} is not a date like 1990-01-31"))
            continue
        seen[identifier] = line
        rows.append(row)
    return rows, bad


def _frame(rows: list[dict[str, str]], header: list[str], extras: list[str]) -> pd.DataFrame:
    """The comparison columns, derived once per distinct value (names repeat a lot)."""
    raw = pd.DataFrame(rows, columns=header, dtype="string")
    out = pd.DataFrame({"unique_id": raw["id"]})
    given = raw["given_name"].fillna("").map(names.clean)
    family = raw["family_name"].fillna("").map(names.clean)
    out["given_name"] = given
    out["family_name"] = family
    out["given_canon"] = given.map(names.canonical_given)
    out["given_mp"] = given.map(lambda v: names.phonetic(v.split(" ", 1)[0]) if v else "")
    out["family_mp"] = family.map(names.phonetic)
    dob = raw["date_of_birth"].fillna("")
    out["dob"] = dob
    out["dob_year"] = dob.str.slice(0, 4)
    if "sex" in raw:
        out["sex"] = raw["sex"].fillna("").str.upper().map(lambda v: _SEX.get(v, ""))
    if "postcode" in raw:
        postcode = raw["postcode"].fillna("").map(_postcode)
        out["postcode"] = postcode
        out["postcode_out"] = postcode.map(lambda v: _outward(v) if v else "")
    if "pnc_id" in raw:
        out["pnc_id"] = raw["pnc_id"].fillna("").map(lambda v: _pnc(v) if v else "")
    if "nhs_number" in raw:
        out["nhs_number"] = raw["nhs_number"].fillna("").str.replace(r"\D", "", regex=True)
    for column in extras:
        out[f"x_{column}"] = raw[column].fillna("").map(_extra)
    # Splink treats NULL as "not known": empty strings become NULL.
    for column in out.columns:
        if column not in ("unique_id", "family_tokens"):
            out[column] = out[column].astype("string").replace("", pd.NA)
    out["family_tokens"] = pd.Series([v.split(" ") if v else None for v in family], index=out.index, dtype=object)
    return out
