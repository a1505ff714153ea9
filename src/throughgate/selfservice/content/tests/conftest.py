"""Content tests keep uploaded files in a temporary MEDIA_ROOT (selfservice/conftest.py keeps them in English)."""

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
