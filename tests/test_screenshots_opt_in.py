"""A test run leaves docs/screenshots/ alone: the browser tests save the guides' screenshots only through
``guide_screenshot``, which saves nothing unless THROUGHGATE_SCREENSHOTS=1 (scripts/screenshots sets it)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from tests.browser import support

ROOT = Path(__file__).resolve().parents[1]


class FakePage:
    """Records screenshot calls and writes a small file where a real page would write its PNG."""

    def __init__(self) -> None:
        self.shots: list[dict[str, Any]] = []

    def screenshot(self, **options: Any) -> bytes:
        self.shots.append(options)
        Path(options["path"]).write_bytes(b"png")
        return b"png"


@pytest.fixture
def shots_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "screenshots"
    monkeypatch.setattr(support, "SCREENSHOTS", folder)
    return folder


@pytest.mark.parametrize("value", [None, "", "0", "yes"])
def test_guide_screenshot_saves_nothing_unless_asked(
    value: str | None, shots_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if value is None:
        monkeypatch.delenv("THROUGHGATE_SCREENSHOTS", raising=False)
    else:
        monkeypatch.setenv("THROUGHGATE_SCREENSHOTS", value)
    page = FakePage()
    assert support.guide_screenshot(page, "staff-home", "en") is None
    assert page.shots == []
    assert not shots_dir.exists()


def test_guide_screenshot_saves_the_english_page_when_asked(shots_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THROUGHGATE_SCREENSHOTS", "1")
    page = FakePage()
    assert support.guide_screenshot(page, "staff-home", "cy") is None
    assert page.shots == []
    assert support.guide_screenshot(page, "staff-home", "en", full_page=False) == shots_dir / "staff-home.png"
    assert page.shots == [{"path": str(shots_dir / "staff-home.png"), "full_page": False}]


def screenshot_calls() -> list[tuple[str, str]]:
    """Every ``<something>.screenshot(...)`` call in the tests: its file and the innermost function it is in."""
    files = sorted((ROOT / "tests").rglob("*.py")) + sorted((ROOT / "src").glob("throughgate/*/tests/**/*.py"))
    calls = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        enclosing: dict[ast.AST, str] = {}
        for function in ast.walk(tree):  # breadth first: a nested function overrides the one around it
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                name = function.name if not isinstance(function, ast.Lambda) else "<lambda>"
                for inner in ast.walk(function):
                    enclosing[inner] = name
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "screenshot":
                calls.append((str(path.relative_to(ROOT)), enclosing.get(node, "<module>")))
    return calls


def test_only_the_guarded_helper_takes_screenshots() -> None:
    assert screenshot_calls() == [("tests/browser/support.py", "guide_screenshot")], (
        "save screenshots only through tests.browser.support.guide_screenshot, which saves nothing unless "
        "THROUGHGATE_SCREENSHOTS=1 (scripts/screenshots)"
    )
