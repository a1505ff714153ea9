"""The import contracts in pyproject.toml bite: each one fails on throwaway bad imports, and all pass on the tree.

lint-imports runs as a subprocess on a temporary copy of src/ (its Python files only) that comes first on PYTHONPATH,
so the bad imports are written into the copy and a failing test cannot leave a file behind in the tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
SRC = ROOT / "src"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# Per contract id: the modules to add to the copy (path under src/ -> source). A module whose name starts with
# "probe_" is a bad import that the contract must report; the others only make a package for a probe to import.
BAD: dict[str, dict[str, str]] = {
    "layers": {
        "throughgate/core/probe_core_imports_identity.py": "from throughgate.identity import models\n",
        "throughgate/people/probe_people_imports_welfare.py": "from throughgate.welfare import selectors\n",
        # Domain apps are independent of each other.
        "throughgate/selfservice/probe_selfservice_imports_access.py": "from throughgate.access import selectors\n",
        # The demo is the top layer: nothing below imports it.
        "throughgate/welfare/probe_welfare_imports_demo.py": "from throughgate.demo import estate\n",
    },
    "views": {
        "throughgate/welfare/probe_welfare_imports_people_views.py": "from throughgate.people.web import views\n",
        "throughgate/people/probe_people_imports_core_views.py": "from throughgate.core.web import views\n",
        # A feature package's views are covered too.
        "throughgate/selfservice/somefeature/__init__.py": "",
        "throughgate/selfservice/somefeature/web/__init__.py": "",
        "throughgate/selfservice/somefeature/web/views.py": "",
        "throughgate/welfare/probe_welfare_imports_feature_views.py": (
            "from throughgate.selfservice.somefeature.web import views\n"
        ),
    },
    "cross-app-readers": {
        "throughgate/welfare/probe_welfare_imports_app_models.py": "from throughgate.selfservice import models\n",
        "throughgate/welfare/probe_welfare_imports_access_models.py": "from throughgate.access.models import Site\n",
        "throughgate/welfare/web/probe_welfare_web_imports_meals_models.py": (
            "from throughgate.selfservice.meals import models\n"
        ),
        "throughgate/access/somefeature/__init__.py": "",
        "throughgate/access/somefeature/models.py": "",
        "throughgate/welfare/probe_welfare_imports_feature_models.py": (
            "from throughgate.access.somefeature import models\n"
        ),
    },
    "demo-apart": {
        # No product app, nor a feature package's tests, imports the demo app.
        "throughgate/people/probe_people_imports_demo.py": "from throughgate.demo import steps\n",
        "throughgate/selfservice/meals/tests/probe_meals_tests_import_demo.py": "from throughgate.demo import meals\n",
        "throughgate/access/probe_access_imports_demo.py": "import throughgate.demo.access\n",
    },
    "reads-not-writes": {
        # An app's selectors module, and a feature package's, each importing writes.
        "throughgate/probeapp/__init__.py": "",
        "throughgate/probeapp/services.py": "",
        "throughgate/probeapp/selectors.py": "from throughgate.probeapp import services\n",
        "throughgate/probeapp/feature/__init__.py": "",
        "throughgate/probeapp/feature/services.py": "",
        "throughgate/probeapp/feature/selectors.py": "from throughgate.probeapp.feature import services\n",
    },
}


def contracts() -> list[dict[str, object]]:
    return tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]  # type: ignore[no-any-return]


def lint(contract: str | None, modules: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts, on a copy of src/ with ``modules`` added."""
    with tempfile.TemporaryDirectory(prefix="contracts-") as workdir:
        copy = Path(workdir) / "src"
        shutil.copytree(SRC, copy, ignore=_not_python)
        for name, source in modules.items():
            path = copy / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(source)
        command = [str(LINT_IMPORTS), "--config", str(PYPROJECT), "--no-cache", "--no-logo"]
        if contract is not None:
            command += ["--contract", contract]
        return subprocess.run(  # noqa: S603 - our own tool, fixed arguments
            command,
            cwd=workdir,  # lint-imports puts its working directory first on sys.path: not the project
            env={**os.environ, "PYTHONPATH": str(copy)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )


def _not_python(folder: str, names: list[str]) -> list[str]:
    return [
        name
        for name in names
        if name == "__pycache__" or (not name.endswith(".py") and not os.path.isdir(os.path.join(folder, name)))
    ]


@pytest.fixture(scope="module")
def runs() -> Iterator[dict[str | None, subprocess.CompletedProcess[str]]]:
    """One run per contract with its bad imports, and one on the tree as it is (None), in parallel."""
    cases: dict[str | None, dict[str, str]] = {None: {}, **BAD}
    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        futures = {contract: pool.submit(lint, contract, modules) for contract, modules in cases.items()}
        yield {contract: future.result() for contract, future in futures.items()}


def test_every_contract_has_bad_imports_here() -> None:
    assert {str(contract["id"]) for contract in contracts()} == set(BAD)


def test_the_tree_keeps_every_contract(runs: dict[str | None, subprocess.CompletedProcess[str]]) -> None:
    clean = runs[None]
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert f"Contracts: {len(BAD)} kept, 0 broken." in clean.stdout


@pytest.mark.parametrize("contract", sorted(BAD))
def test_the_contract_fails_on_each_bad_import(
    contract: str, runs: dict[str | None, subprocess.CompletedProcess[str]]
) -> None:
    run = runs[contract]
    assert run.returncode == 1, run.stdout + run.stderr
    assert "0 kept, 1 broken" in run.stdout, run.stdout + run.stderr
    report = run.stdout.replace("\n", "")  # lint-imports wraps long lines
    for name in BAD[contract]:
        if Path(name).name.startswith("probe_") or (name.startswith("throughgate/probeapp/") and "selectors" in name):
            module = name.removesuffix(".py").replace("/", ".")
            assert f"{module} ->" in report, f"{module} was not reported:\n{run.stdout}"


def test_every_app_is_a_required_layer() -> None:
    """A renamed or new app cannot silently leave the layers: every app package (it has an apps.py) is named without
    parentheses, and a layer in parentheses (optional) is only for an app that does not exist yet."""
    (layers,) = [contract for contract in contracts() if contract["id"] == "layers"]
    required, optional = set(), set()
    for layer in layers["layers"]:  # type: ignore[attr-defined]
        for name in str(layer).replace("|", ":").split(":"):
            name = name.strip()
            if name.startswith("("):
                optional.add(name.strip("()").removeprefix("throughgate."))
            else:
                required.add(name.removeprefix("throughgate."))
    apps = {path.parent.name for path in (SRC / "throughgate").glob("*/apps.py")}
    assert apps <= required, f"apps missing from the layers (or optional): {sorted(apps - required)}"
    assert not optional & apps, f"existing apps still optional: {sorted(optional & apps)}"
    assert not required - apps, f"required layers that are not apps: {sorted(required - apps)}"
