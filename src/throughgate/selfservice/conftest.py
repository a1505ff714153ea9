"""Self-service tests read messages in English unless a test chooses Welsh (another test may have left Welsh on)."""

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield
