"""Probabilistic record linkage with Splink (Fellegi-Sunter), DuckDB backend by default.

The model is trained on the data it links, without labels: u probabilities from random sampling, m probabilities
by expectation maximisation on two blocked samples (same date of birth; same canonical given name and sounding
family name), the prior from a deterministic rule. ``link`` returns every scored pair above ``floor`` so that the
product can split them into automatic links and a review band; the command keeps those at or above ``threshold``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from throughgate.sharing.linkage.records import PeopleTable

#: The command writes the pairs at or above this match probability (best F1 on the development sets, docs/sharing.md).
MATCH_THRESHOLD = 0.9
#: The product links a pair without review at or above this probability (stricter: nobody looks at these).
AUTO_LINK_THRESHOLD = 0.99
#: The product sends pairs at or above this probability, and below AUTO_LINK_THRESHOLD, to clerical review.
REVIEW_THRESHOLD = 0.5

EM_SAMPLE_RECORDS = 200_000

Step = Callable[[str], None]

_IDENTIFIERS = ("pnc_id", "nhs_number")


@dataclass
class LinkOutcome:
    """Scored pairs (left_id, right_id, match_probability, match_weight, gamma_* levels) and the trained model."""

    pairs: pd.DataFrame
    model: dict[str, Any]

    def matches(self, threshold: float = MATCH_THRESHOLD) -> pd.DataFrame:
        chosen = self.pairs[self.pairs["match_probability"] >= threshold]
        return chosen[["left_id", "right_id", "match_probability"]].reset_index(drop=True)


def _level(sql: str, label: str, **more: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **more}


def _null(column: str) -> dict[str, Any]:
    return _level(f'"{column}_l" IS NULL OR "{column}_r" IS NULL', "not known", is_null_level=True)


_ELSE = _level("ELSE", "all other values")
_SWAPPED = (
    'jaro_winkler_similarity("given_name_l", "family_name_r") >= 0.9 '
    'AND jaro_winkler_similarity("family_name_l", "given_name_r") >= 0.9'
)


def _given_name() -> dict[str, Any]:
    return {
        "output_column_name": "given_name",
        "comparison_description": "Given name",
        "comparison_levels": [
            _null("given_name"),
            _level('"given_name_l" = "given_name_r"', "exact", tf_adjustment_column="given_name"),
            _level('"given_canon_l" = "given_canon_r"', "nickname or transliteration"),
            _level('jaro_winkler_similarity("given_name_l", "given_name_r") >= 0.92', "nearly the same (typo)"),
            _level(
                '"given_mp_l" = "given_mp_r" OR jaro_winkler_similarity("given_name_l", "given_name_r") >= 0.85',
                "sounds alike",
            ),
            _level('levenshtein("given_name_l", "given_name_r") <= 1', "one letter different"),
            _level(_SWAPPED, "swapped with family name"),
            _level(
                'length("given_name_l") = 1 AND left("given_name_r", 1) = "given_name_l" '
                'OR length("given_name_r") = 1 AND left("given_name_l", 1) = "given_name_r"',
                "initial only",
            ),
            _ELSE,
        ],
    }


def _family_name() -> dict[str, Any]:
    return {
        "output_column_name": "family_name",
        "comparison_description": "Family name",
        "comparison_levels": [
            _null("family_name"),
            _level('"family_name_l" = "family_name_r"', "exact", tf_adjustment_column="family_name"),
            _level('jaro_winkler_similarity("family_name_l", "family_name_r") >= 0.92', "nearly the same (typo)"),
            _level('list_has_any("family_tokens_l", "family_tokens_r")', "one part of a double-barrelled name"),
            _level(
                '"family_mp_l" = "family_mp_r" OR jaro_winkler_similarity("family_name_l", "family_name_r") >= 0.85',
                "sounds alike",
            ),
            _level(_SWAPPED, "swapped with given name"),
            _ELSE,
        ],
    }


def _date_of_birth() -> dict[str, Any]:
    swap = (
        'substr("dob_l", 1, 4) = substr("dob_r", 1, 4) AND substr("dob_l", 6, 2) = substr("dob_r", 9, 2) '
        'AND substr("dob_l", 9, 2) = substr("dob_r", 6, 2)'
    )
    return {
        "output_column_name": "date_of_birth",
        "comparison_description": "Date of birth",
        "comparison_levels": [
            _null("dob"),
            _level('"dob_l" = "dob_r"', "exact"),
            _level(swap, "day and month swapped"),
            _level('hamming("dob_l", "dob_r") <= 1', "one digit wrong"),
            _level('hamming("dob_l", "dob_r") <= 2', "two digits wrong or swapped"),
            _ELSE,
        ],
    }


def _sex() -> dict[str, Any]:
    return {
        "output_column_name": "sex",
        "comparison_description": "Sex",
        "comparison_levels": [_null("sex"), _level('"sex_l" = "sex_r"', "same"), _ELSE],
    }


def _postcode() -> dict[str, Any]:
    return {
        "output_column_name": "postcode",
        "comparison_description": "Postcode",
        "comparison_levels": [
            _null("postcode"),
            _level('"postcode_l" = "postcode_r"', "exact", tf_adjustment_column="postcode"),
            _level('levenshtein("postcode_l", "postcode_r") <= 1', "one character wrong"),
            _level('"postcode_out_l" = "postcode_out_r"', "same district"),
            _ELSE,
        ],
    }


def _identifier(column: str, description: str) -> dict[str, Any]:
    return {
        "output_column_name": column,
        "comparison_description": description,
        "comparison_levels": [
            _null(column),
            _level(f'"{column}_l" = "{column}_r"', "exact"),
            _level(f'levenshtein("{column}_l", "{column}_r") <= 2', "one or two characters wrong"),
            _ELSE,
        ],
    }


def _extra(column: str) -> dict[str, Any]:
    name = f"x_{column}"
    return {
        "output_column_name": name,
        "comparison_description": column.replace("_", " ").capitalize(),
        "comparison_levels": [
            _null(name),
            _level(f'"{name}_l" = "{name}_r"', "exact", tf_adjustment_column=name),
            _level(f'jaro_winkler_similarity("{name}_l", "{name}_r") >= 0.9', "nearly the same"),
            _ELSE,
        ],
    }


def _with_priors(comparison: dict[str, Any]) -> dict[str, Any]:
    """Starting m and u for every level, so that a model on data too small to train still scores sensibly."""
    levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
    m_weights = [0.6 * 0.45**i for i in range(len(levels) - 1)] + [0.02]
    u_weights = [0.002 * 3**i for i in range(len(levels) - 1)]
    u_weights.append(max(1.0 - sum(u_weights), 0.5))
    for level, m, u in zip(levels, m_weights, u_weights, strict=True):
        level["m_probability"] = m / sum(m_weights)
        level["u_probability"] = u / sum(u_weights)
    return comparison


def _known(frames: list[pd.DataFrame], column: str) -> bool:
    """A column is compared only when every input has it with at least one value."""
    return all(column in frame and frame[column].notna().any() for frame in frames)


_IDENTIFIER_NAME = re.compile(r"(^|_)(id|ssn|nino|crn|passport|licence|license|reference|ref)$")


def _identifier_like(frames: list[pd.DataFrame], column: str) -> bool:
    """An extra column named like an identifier (``*_id``, ``ssn``, ``passport``...) with mostly distinct values."""
    if not _IDENTIFIER_NAME.search(column.removeprefix("x_")):
        return False
    for frame in frames:
        known = frame[column].dropna()
        if len(known) < 0.5 * len(frame) or known.nunique() < 0.4 * len(known):
            return False
    return True


def identifier_comparisons(frames: list[pd.DataFrame], extras: list[str]) -> list[str]:
    """The comparisons of identifiers: PNC id, NHS number and extra columns that look like identifiers."""
    found = [column for column in _IDENTIFIERS if _known(frames, column)]
    found.extend(f"x_{c}" for c in extras if _known(frames, f"x_{c}") and _identifier_like(frames, f"x_{c}"))
    return found


def build_settings(frames: list[pd.DataFrame], extras: list[str], *, dedupe: bool) -> dict[str, Any]:
    """The Splink settings for these inputs: comparisons for the columns the inputs share, and blocking rules."""
    comparisons: list[dict[str, Any]] = [_given_name(), _family_name()]
    if _known(frames, "dob"):
        comparisons.append(_date_of_birth())
    if _known(frames, "sex"):
        comparisons.append(_sex())
    if _known(frames, "postcode"):
        comparisons.append(_postcode())
    for column, description in (("pnc_id", "PNC ID"), ("nhs_number", "NHS number")):
        if _known(frames, column):
            comparisons.append(_identifier(column, description))
    shared_extras = [column for column in extras if _known(frames, f"x_{column}")]
    comparisons.extend(_extra(column) for column in shared_extras)
    comparisons = [_with_priors(comparison) for comparison in comparisons]

    blocking = [
        'l."given_canon" = r."given_canon" AND l."dob" = r."dob"',
        'l."family_mp" = r."family_mp" AND l."dob" = r."dob"',
        'l."family_mp" = r."family_mp" AND l."given_mp" = r."given_mp" AND l."dob_year" = r."dob_year"',
        'l."family_mp" = r."family_mp" AND l."given_canon" = r."given_canon"',
        'l."given_name" = r."family_name" AND l."family_name" = r."given_name"',
    ]
    if _known(frames, "postcode"):
        blocking.append('l."dob" = r."dob" AND l."postcode" = r."postcode"')
    blocking.extend(f'l."{c}" = r."{c}"' for c in identifier_comparisons(frames, shared_extras))
    return {
        "link_type": "dedupe_only" if dedupe else "link_only",
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": blocking,
        "retain_intermediate_calculation_columns": True,
        "retain_matching_columns": True,
        "max_iterations": 20,
    }


def _tf_columns(settings: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            column = level.get("tf_adjustment_column")
            if column and column not in found:
                found.append(column)
    return found


def link(
    left: PeopleTable,
    right: PeopleTable | None = None,
    *,
    floor: float = REVIEW_THRESHOLD,
    step: Step | None = None,
    seed: int = 42,
    engine: str = "duckdb",
) -> LinkOutcome:
    """Train a model on the inputs and score the blocked pairs; ``right=None`` deduplicates ``left``."""
    say: Step = step or (lambda _msg: None)
    quiet = logging.getLogger("splink")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        return _link(left, right, floor=floor, say=say, seed=seed, engine=engine)
    finally:
        quiet.setLevel(level)


def _link(
    left: PeopleTable, right: PeopleTable | None, *, floor: float, say: Step, seed: int, engine: str
) -> LinkOutcome:
    import splink
    from splink import Linker

    if engine != "duckdb":
        raise ValueError(f"engine {engine!r} is not available here: only duckdb")
    dedupe = right is None
    tables = [left] if right is None else [left, right]
    frames = [table.frame for table in tables]
    extras = [c for c in left.extras if right is None or c in right.extras]
    settings = build_settings(frames, extras, dedupe=dedupe)

    db_api = splink.DuckDBAPI()
    inputs = [
        db_api.register(frame, dataset_display_name=name)
        for frame, name in zip(frames, ("left_file", "right_file"), strict=False)
    ]
    linker = Linker(inputs if not dedupe else inputs[0], settings, log_level=None)
    for column in _tf_columns(settings):
        linker.table_management.compute_tf_table(column)

    say("estimating the prior")
    _estimate_prior(linker, settings)
    say("estimating u by random sampling")
    linker.training.estimate_u_using_random_sampling(max_pairs=4e5, seed=seed, num_chunks=1, min_count_per_level=None)
    say("estimating m by expectation maximisation")
    _train_m(linker, frames)
    say("scoring pairs")
    predictions = linker.inference.predict(threshold_match_probability=floor, warning_mode="never")
    pairs = predictions.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    model = linker.misc.save_model_to_json()
    db_api.duckdb_con.close()
    return LinkOutcome(
        pairs=_oriented(pairs, dedupe=dedupe, identifiers=identifier_comparisons(frames, extras)), model=model
    )


def _estimate_prior(linker: Any, settings: dict[str, Any]) -> None:
    rules = ['l."given_name" = r."given_name" AND l."family_name" = r."family_name" AND l."dob" = r."dob"']
    for recall in (0.6, 0.8, 1.0):
        try:
            linker.training.estimate_probability_two_random_records_match(rules, recall=recall)
        except ValueError:
            continue
        if linker._settings_obj._probability_two_random_records_match > 0:
            return
    # No exact matches at all: a small prior, so that only strong evidence links.
    linker._settings_obj._probability_two_random_records_match = 1e-4


def _train_m(linker: Any, frames: list[pd.DataFrame]) -> None:
    """Two EM sessions; a session with too few pairs to learn from keeps the starting values (small inputs).

    Large inputs train on a sample of records (about 200,000 a side), which keeps the blocked pairs near a few
    million: enough for EM, and the cost stays flat as the inputs grow.
    """
    from splink.internals.exceptions import SplinkException

    proportion = min(1.0, EM_SAMPLE_RECORDS / max(len(frame) for frame in frames))

    rules = ['l."given_canon" = r."given_canon" AND l."family_mp" = r."family_mp"']
    if _known(frames, "dob"):
        rules.insert(0, 'l."dob" = r."dob"')
    for rule in rules:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, record_sample_proportion=proportion
            )
        except SplinkException:
            continue


#: Twins share a family name, a date of birth and an address: the evidence the model adds up is not independent.
#: A pair whose given names differ completely (not a typo, nickname, swap or initial) is therefore never linked
#: automatically unless an identifier agrees (exactly or but for a character or two): its probability is held at
#: REVIEW_THRESHOLD at most, so the product sends it to a person.
GIVEN_NAME_ELSE = 0


def _hold_different_given_names(pairs: pd.DataFrame, identifiers: list[str]) -> pd.DataFrame:
    if "gamma_given_name" not in pairs:
        return pairs
    identifier_exact = pd.Series(False, index=pairs.index)
    for name in identifiers:
        column = f"gamma_{name}"
        if column in pairs:
            # Identifier levels: -1 not known, 0 different, 1 one or two characters wrong, 2 exact.
            identifier_exact |= pairs[column] >= 1
    held = (pairs["gamma_given_name"] == GIVEN_NAME_ELSE) & ~identifier_exact
    pairs["held_for_review"] = held
    pairs.loc[held, "match_probability"] = pairs.loc[held, "match_probability"].clip(upper=REVIEW_THRESHOLD)
    return pairs


def _oriented(pairs: pd.DataFrame, *, dedupe: bool, identifiers: list[str]) -> pd.DataFrame:
    """Pairs as left_id/right_id (in a link, left_id always from the left file)."""
    if pairs.empty:
        return pd.DataFrame(columns=["left_id", "right_id", "match_probability", "match_weight"])
    out = pairs.rename(columns={"unique_id_l": "left_id", "unique_id_r": "right_id"})
    if not dedupe:
        flipped = out["source_dataset_l"] != "left_file"
        out.loc[flipped, ["left_id", "right_id"]] = out.loc[flipped, ["right_id", "left_id"]].to_numpy()
        out = out.drop(columns=["source_dataset_l", "source_dataset_r"], errors="ignore")
    out["match_probability"] = out["match_probability"].astype(float).clip(0.0, 1.0)
    out = _hold_different_given_names(out, identifiers)
    return out.sort_values(["left_id", "right_id"]).reset_index(drop=True)


DESCRIPTIONS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "postcode": "Postcode",
    "pnc_id": "PNC ID",
    "nhs_number": "NHS number",
}


def describe(name: str) -> str:
    """A comparison's name for people (Splink keeps its own class name as the description)."""
    return DESCRIPTIONS.get(name) or name.removeprefix("x_").replace("_", " ").capitalize()


def reasons(pair: dict[str, Any], model: dict[str, Any]) -> list[dict[str, Any]]:
    """Why a scored pair scored as it did: for each comparison, the level that applied and its match weight."""
    found: list[dict[str, Any]] = []
    for comparison in model.get("comparisons", []):
        name = comparison["output_column_name"]
        gamma = pair.get(f"gamma_{name}")
        if gamma is None:
            continue
        levels = comparison["comparison_levels"]
        non_null = [level for level in levels if not level.get("is_null_level")]
        label = "not known" if int(gamma) < 0 else non_null[len(non_null) - 1 - int(gamma)].get("label_for_charts", "")
        weight = float(pair.get(f"mw_{name}") or 0.0) + float(pair.get(f"mw_tf_adj_{name}") or 0.0)
        found.append(
            {
                "comparison": name,
                "description": describe(name),
                "level": label,
                "weight": round(weight, 2),
            }
        )
    return found


def level_weights(model: dict[str, Any]) -> list[dict[str, Any]]:
    """The trained model as a table: each comparison's levels with m, u and match weight (log2 of m/u)."""
    import math

    table: list[dict[str, Any]] = []
    for comparison in model.get("comparisons", []):
        rows = []
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else None
            rows.append({"level": level.get("label_for_charts", ""), "m": m, "u": u, "weight": weight})
        table.append(
            {
                "name": comparison["output_column_name"],
                "description": describe(comparison["output_column_name"]),
                "levels": rows,
            }
        )
    return table
