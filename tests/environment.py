"""Loaded first (``-p tests.environment`` in pyproject's pytest options), before pytest-django reads the settings:
a plain ``uv run pytest`` then runs with the test settings, as scripts/test does (the root conftest is read too
late for that)."""

import os

os.environ.setdefault("THROUGHGATE_ENV", "test")
