"""The command contract's input: bad rows are reported by line and skipped; names are normalised."""

from __future__ import annotations

from pathlib import Path

import pytest

from throughgate.sharing.linkage import names, records


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_rows_are_reported_with_their_line_and_skipped(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "id,given_name,family_name,date_of_birth,sex\n"
        "1,Ann,Smith,1990-01-02,F\n"
        ",Bob,Jones,1980-01-01,M\n"
        "3,Ann,Smith,02/01/1990,F\n"
        "1,Ann,Smith,1990-01-02,F\n"
        "5,Joe,Bloggs\n"
        "\n"
        "6,,,,\n"
        "7,Zoë,O'Neil-Smith,1980-02-30,female\n",
    )
    table = records.read_people(path)
    assert [str(bad) for bad in table.bad_rows] == [
        "line 3: has no id",
        "line 4: date_of_birth '02/01/1990' is not a date like 1990-01-31",
        "line 5: repeats the id '1' of line 2",
        "line 6: has 3 fields where the header has 5",
    ]
    frame = table.frame.set_index("unique_id")
    assert list(frame.index) == ["1", "6", "7"]
    assert frame.loc["7", "given_name"] == "ZOE"
    assert frame.loc["7", "family_name"] == "O NEIL SMITH"
    assert frame.loc["7", "family_tokens"] == ["O", "NEIL", "SMITH"]
    assert frame.loc["7", "sex"] == "F"
    assert frame.loc["7", "dob"] == "1980-02-30"  # a mistyped date of the right shape is kept for comparison
    assert frame.isna().loc["6", "given_name"]


def test_a_file_without_the_required_columns_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,first,last\n1,a,b\n")
    with pytest.raises(records.InputError, match="lacks given_name, family_name, date_of_birth"):
        records.read_people(path)


def test_extra_columns_and_identifiers_are_prepared(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "id,given_name,family_name,date_of_birth,postcode,pnc_id,nhs_number,Address Line,passport_id\n"
        "1,Bob,Jones,1980-01-01,cf10 1aa,01/123Z,943 476 5919,x,P1\n",
    )
    table = records.read_people(path)
    row = table.frame.iloc[0]
    assert table.extras == ["passport_id"]  # a header that is not a plain column name is ignored
    assert row["postcode"] == "CF101AA"
    assert row["postcode_out"] == "CF10"
    assert row["pnc_id"] == "2001/0000123Z"
    assert row["nhs_number"] == "9434765919"
    assert row["given_canon"] == "ROBERT"


def test_nicknames_and_transliterations_share_a_canonical_name() -> None:
    assert names.canonical_given("BOB") == names.canonical_given("ROBERT") == "ROBERT"
    assert names.canonical_given("MUHAMMAD") == names.canonical_given("MOHAMED") == "MOHAMMED"
    assert names.canonical_given("OLEKSANDR") == "ALEXANDER"
    assert names.canonical_given("UNLISTED") == "UNLISTED"
    assert names.clean("  Siân  ap-Rhys ") == "SIAN AP RHYS"
