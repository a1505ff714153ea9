"""Name normalisation for linkage: upper-case ASCII, nickname and transliteration groups, phonetic keys."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import jellyfish

_TABLE = Path(__file__).with_name("nicknames.csv")
_NOT_LETTERS = re.compile(r"[^A-Z \-']+")
_SPACES = re.compile(r"[\s\-']+")


def clean(value: str | None) -> str:
    """Upper-case ASCII letters and single spaces; hyphens and apostrophes become spaces ("O'Neil" -> "O NEIL")."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii").upper()
    text = _NOT_LETTERS.sub("", text)
    return _SPACES.sub(" ", text).strip()


@cache
def nickname_groups() -> dict[str, str]:
    """Each known variant (and each canonical name) mapped to its group's canonical name."""
    canonical: dict[str, str] = {}
    for line in _TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        names = [clean(part) for part in line.split(",") if part.strip()]
        head = names[0]
        for name in names:
            # A name listed in two groups keeps its first group: the table is ordered with the stronger link first.
            canonical.setdefault(name, head)
    return canonical


def canonical_given(name: str) -> str:
    """The canonical form of a cleaned given name's first word ("BOB" -> "ROBERT"), or the word itself."""
    first = name.split(" ", 1)[0] if name else ""
    return nickname_groups().get(first, first)


def phonetic(name: str) -> str:
    """A Metaphone key of the cleaned name without spaces ("" when empty)."""
    squashed = name.replace(" ", "")
    return jellyfish.metaphone(squashed) if squashed else ""
