from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _fresh_network_caches() -> Iterator[None]:
    """RADIUS answers and last-seen times are cached per process; a test starts without another test's."""
    from throughgate.access import services

    services.forget_seen()
    yield
    services.forget_seen()
