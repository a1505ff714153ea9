"""docs/running.md's table of environment variables names exactly the variables the code reads.

Scanned: the Python in config/, src/throughgate (not its tests), src/throughgate_squid_helper, bench/, scripts/ and
manage.py, plus tests/browser/support.py (the browser tests' knobs, CHROMIUM_PATH and THROUGHGATE_SCREENSHOTS); the
bash scripts in scripts/ (``${NAME:-default}`` and the like). The rest of tests/ only sets variables for itself and
is not scanned.

Python reads are found with ``ast``: ``os.environ[NAME]``, ``os.environ.get(NAME)``, ``os.getenv(NAME)``,
``NAME in os.environ`` (also through ``from os import environ, getenv``), and calls of any function whose body reads
the environment under its first parameter's name (config/settings.py's ``env_bool`` and ``env_list``). A name
built as an f-string (``f"PREFIX_{x}"``) counts as the family ``PREFIX_*``, which the table must list as such.
``os.environ.setdefault`` and assignments are writes, not reads.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNNING = ROOT / "docs" / "running.md"

PYTHON_DIRS = ("config", "src/throughgate", "src/throughgate_squid_helper", "bench", "scripts")
PYTHON_FILES = ("manage.py", "tests/browser/support.py")
# ${NAME:-x}, ${NAME-x}, ${NAME:=x}, ${NAME:+x}, ${NAME:?x}: a variable the script reads with a fallback.
BASH_READ = re.compile(r"\$\{([A-Z_][A-Z0-9_]*):?[-=+?]")
NAME = re.compile(r"^[A-Z_][A-Z0-9_]*(\*)?$")


def python_files() -> Iterator[Path]:
    for folder in PYTHON_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" not in parts and "migrations" not in parts and ".venv" not in parts:
                yield path
    for name in PYTHON_FILES:
        yield ROOT / name


def bash_files() -> Iterator[Path]:
    for path in sorted((ROOT / "scripts").rglob("*")):
        if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts:
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".sh" or text.startswith("#!/usr/bin/env bash") or text.startswith("#!/bin/bash"):
                yield path


class EnvironmentReads(ast.NodeVisitor):
    """The environment variables one module reads, and the places it reads one whose name it cannot tell."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.names: set[str] = set()
        self.unknown: list[str] = []
        self.os_names = {"os"}
        self.environ_names: set[str] = set()
        self.getenv_names: set[str] = set()
        self.helpers: set[str] = set()
        self.helper_nodes: list[ast.FunctionDef] = []

    # --- what counts as os.environ and os.getenv here ---------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == "os":
                self.os_names.add(alias.asname or "os")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module == "os":
            for alias in node.names:
                if alias.name == "environ":
                    self.environ_names.add(alias.asname or "environ")
                elif alias.name == "getenv":
                    self.getenv_names.add(alias.asname or "getenv")

    def is_environ(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Attribute) and node.attr == "environ":
            return isinstance(node.value, ast.Name) and node.value.id in self.os_names
        return isinstance(node, ast.Name) and node.id in self.environ_names

    def is_getenv(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Attribute) and node.attr == "getenv":
            return isinstance(node.value, ast.Name) and node.value.id in self.os_names
        return isinstance(node, ast.Name) and node.id in self.getenv_names

    def read_key(self, call_or_subscript: ast.AST) -> ast.AST | None:
        """The key expression if the node reads the environment, else None."""
        node = call_or_subscript
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and self.is_environ(node.value):
            return node.slice
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "get" and self.is_environ(func.value):
                return node.args[0]
            if self.is_getenv(func):
                return node.args[0]
        if isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In | ast.NotIn):
            return node.left if self.is_environ(node.comparators[0]) else None
        return None

    # --- reads ------------------------------------------------------------------------------------------------

    def note(self, key: ast.AST, line: int) -> None:
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            self.names.add(key.value)
        elif isinstance(key, ast.JoinedStr) and key.values and isinstance(key.values[0], ast.Constant):
            self.names.add(f"{key.values[0].value}*")
        else:
            self.unknown.append(f"{self.where}:{line}: {ast.unparse(key)}")

    def find_helpers(self, tree: ast.Module) -> None:
        """Functions that read the environment under their first parameter, like settings' env_bool(name, ...)."""
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.args.args:
                first = node.args.args[0].arg
                for inner in ast.walk(node):
                    key = self.read_key(inner)
                    if isinstance(key, ast.Name) and key.id == first:
                        self.helpers.add(node.name)

    def generic_visit(self, node: ast.AST) -> None:
        key = self.read_key(node)
        if key is not None and not (isinstance(key, ast.Name) and self.inside_helper(key)):
            self.note(key, getattr(node, "lineno", 0))
        if isinstance(node, ast.Call) and node.args and self.is_helper(node.func):
            self.note(node.args[0], node.lineno)
        super().generic_visit(node)

    def is_helper(self, func: ast.AST) -> bool:
        return isinstance(func, ast.Name) and func.id in self.helpers

    def inside_helper(self, key: ast.Name) -> bool:
        return any(key in set(ast.walk(helper)) for helper in self.helper_nodes)

    def scan(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                self.visit(node)
        self.find_helpers(tree)
        self.helper_nodes = [
            node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name in self.helpers
        ]
        self.visit(tree)


def python_reads() -> tuple[dict[str, set[str]], list[str]]:
    where: dict[str, set[str]] = {}
    unknown: list[str] = []
    for path in python_files():
        relative = str(path.relative_to(ROOT))
        reads = EnvironmentReads(relative)
        reads.scan(ast.parse(path.read_text(encoding="utf-8"), filename=relative))
        for name in reads.names:
            where.setdefault(name, set()).add(relative)
        unknown += reads.unknown
    return where, unknown


def bash_reads() -> dict[str, set[str]]:
    where: dict[str, set[str]] = {}
    for path in bash_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("#"):
                continue
            for name in BASH_READ.findall(line):
                where.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return where


def code_reads() -> dict[str, set[str]]:
    where, unknown = python_reads()
    assert not unknown, "environment reads whose name cannot be told (use a literal or an f-string prefix):\n" + (
        "\n".join(unknown)
    )
    for name, files in bash_reads().items():
        where.setdefault(name, set()).update(files)
    return where


def documented() -> set[str]:
    """The first column's names in the tables of docs/running.md's "Environment variables" section."""
    text = RUNNING.read_text(encoding="utf-8")
    section = text.split("\n## Environment variables\n", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|--") and not line.startswith("| Variable"):
            first = line.split("|")[1]
            for name in re.findall(r"`([^`]+)`", first):
                assert NAME.match(name), f"docs/running.md: {name!r} is not a variable name"
                names.add(name)
    return names


def test_every_variable_the_code_reads_is_in_the_table() -> None:
    reads = code_reads()
    missing = sorted(set(reads) - documented())
    assert not missing, "read by the code but not in docs/running.md's table:\n" + "\n".join(
        f"{name} ({', '.join(sorted(reads[name]))})" for name in missing
    )


def test_every_variable_in_the_table_is_read_by_the_code() -> None:
    unread = sorted(documented() - set(code_reads()))
    assert not unread, f"in docs/running.md's table but read nowhere: {unread}"


def test_the_scanner_sees_every_kind_of_read() -> None:
    source = """
import os
from os import environ as env, getenv

def env_flag(name, default):
    return os.environ.get(name, default)

A = os.environ["A_NAME"]
B = os.environ.get("B_NAME", "x")
C = os.getenv("C_NAME")
D = env.get("D_NAME")
E = getenv("E_NAME")
F = "F_NAME" in os.environ
G = env_flag("G_NAME", True)
H = os.environ.get(f"H_FAMILY_{A}")
os.environ["NOT_A_READ"] = "1"
os.environ.setdefault("NOT_A_READ_EITHER", "1")
wsgi = {}
wsgi.get("NOT_THE_ENVIRONMENT")
"""
    reads = EnvironmentReads("example.py")
    reads.scan(ast.parse(source))
    assert reads.names == {"A_NAME", "B_NAME", "C_NAME", "D_NAME", "E_NAME", "F_NAME", "G_NAME", "H_FAMILY_*"}
    assert reads.unknown == []
    assert BASH_READ.findall('X="${ONE:-1}" Y=${TWO-} [[ -n "${THREE:+x}" ]] "${BASH_SOURCE[0]}" $PLAIN') == [
        "ONE",
        "TWO",
        "THREE",
    ]
