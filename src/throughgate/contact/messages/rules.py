"""Moderation rules as plain matching (no database): which rules a message's text breaks."""

from __future__ import annotations

import re
from collections.abc import Iterable

from throughgate.contact.messages.models import ModerationRule


def broken_by(text: str, rules: Iterable[ModerationRule]) -> list[str]:
    """The reasons of the rules the text matches (a word or phrase ignoring case, or a regular expression)."""
    found = []
    lowered = text.lower()
    for rule in rules:
        if rule.is_regex:
            try:
                hit = re.search(rule.pattern, text, flags=re.IGNORECASE) is not None
            except re.error:
                hit = False
        else:
            hit = re.search(rf"(?<!\w){re.escape(rule.pattern.lower())}(?!\w)", lowered) is not None
        if hit:
            found.append(f"{rule.pattern}: {rule.reason}")
    return found
