"""Benchmarks: run by hand (``uv run python bench/<name>.py``), never as tests."""
