"""Probation tests read messages in English unless a test chooses Welsh, and start with an empty SMS outbox."""

from collections.abc import Iterator

import pytest
from django.utils import translation

from throughgate.probation import notify


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    notify.outbox.clear()
    with translation.override("en"):
        yield
