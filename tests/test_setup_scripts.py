"""The set-up scripts find or install uv on a machine without it, and a new shell finds the uv an earlier run put
there (issue 21: the demo installed uv where scripts/test then could not see it).

Each case runs ``bash scripts/test --prerequisites-only`` (install-system-deps, then scripts/test's own uv look-up,
both through scripts/lib/uv.sh) with a temporary HOME, a fresh virtualenv without uv, and a PATH with no uv on it;
then runs it again in a new process with the same HOME and PATH, as a new shell would, which must find that uv
without installing it again. Installing uv needs PyPI (or the index pip is configured with): in CI a missing index
is a failure, elsewhere a skip. Needs root, as scripts/test does; uses no database.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASH = shutil.which("bash") or "/bin/bash"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
INSTALLING = "uv: not found; installing it with pip"
# Variables that would point the scripts at this machine's uv, virtualenv or home rather than the test's.
DROPPED_PREFIXES = ("UV_", "VIRTUAL_ENV", "CONDA_", "XDG_BIN_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")
DROPPED = {"UV", "PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE", "PYTHONNOUSERSITE", "XDG_CONFIG_HOME"}


def run(args: list[str], env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run a command of this test's own making in the repository; stdout and stderr together, as a user sees them."""
    return subprocess.run(  # noqa: S603 - fixed commands on paths this test made
        args,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        timeout=timeout,
    )


def cannot_run(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run in CI)")
    pytest.skip(reason)


def real_pip_cache() -> str:
    """This machine's pip cache, shared so that a second install of uv does not download it again."""
    if os.environ.get("PIP_CACHE_DIR"):
        return os.environ["PIP_CACHE_DIR"]
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(cache_home) / "pip")


def path_without_uv(tmp_path: Path) -> list[str]:
    """This PATH, each directory holding a uv replaced by a copy of it (symbolic links) without uv and uvx.

    Dropping such a directory outright could also hide node or npm, which install-system-deps would then install.
    """
    entries = []
    for index, entry in enumerate(os.environ.get("PATH", "").split(os.pathsep)):
        directory = Path(entry)
        if not entry or not directory.is_dir():
            continue
        uv = directory / "uv"
        if not (uv.is_file() and os.access(uv, os.X_OK)):
            entries.append(entry)
            continue
        copy = tmp_path / f"path-{index}"
        copy.mkdir()
        for child in directory.iterdir():
            if child.name not in {"uv", "uvx"}:
                (copy / child.name).symlink_to(child)
        entries.append(str(copy))
    return entries


def clean_environment(home: Path, path: list[str]) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if key not in DROPPED and not key.startswith(DROPPED_PREFIXES)
    }
    env.update(
        HOME=str(home),
        PATH=os.pathsep.join(path),
        PIP_CACHE_DIR=real_pip_cache(),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        NO_COLOR="1",
    )
    return env


def make_virtualenv(tmp_path: Path, base_path: list[str]) -> Path:
    python3 = shutil.which("python3", path=os.pathsep.join(base_path))
    assert python3, "no python3 on PATH"
    venv = tmp_path / "venv"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "PYTHON"))}
    result = run([python3, "-m", "venv", str(venv)], env=env, timeout=300)
    assert result.returncode == 0, f"{python3} -m venv failed (python3-venv missing?):\n{result.stdout}"
    assert not (venv / "bin" / "uv").exists()
    return venv


def require_package_index(venv: Path, env: dict[str, str]) -> None:
    """Skip (fail in CI) if pip cannot reach an index that has uv: then nothing could install it."""
    pip = [str(venv / "bin" / "python3"), "-m", "pip"]
    result = run([*pip, "index", "versions", "uv", "--timeout", "15", "--retries", "1"], env=env)
    if result.returncode != 0:
        cannot_run(f"pip cannot reach a package index with uv (PyPI unreachable?): {result.stdout.strip()[-300:]}")


def run_prerequisites(env: dict[str, str], venv: Path) -> str:
    result = run([BASH, "scripts/test", "--prerequisites-only"], env=env, timeout=900)
    if result.returncode != 0 and INSTALLING in result.stdout:
        require_package_index(venv, env)  # was it pip that could not reach PyPI?
    assert result.returncode == 0, f"scripts/test --prerequisites-only failed:\n{result.stdout}"
    assert "Prerequisites present" in result.stdout, result.stdout
    return result.stdout


@pytest.fixture
def as_root() -> None:
    if os.geteuid() != 0:
        cannot_run("scripts/test runs as root (it installs system packages)")


@pytest.mark.usefixtures("as_root")
@pytest.mark.parametrize("python_bin_on_path", [True, False], ids=["venv-bin-on-path", "python-bin-off-path"])
def test_scripts_install_uv_once_and_a_new_shell_finds_it(tmp_path: Path, python_bin_on_path: bool) -> None:
    """Off PATH is pyenv's case: python3 is a shim, and pip puts uv in the version's bin/, which is not on PATH."""
    home = tmp_path / "home"
    home.mkdir()
    base_path = path_without_uv(tmp_path)
    venv = make_virtualenv(tmp_path, base_path)
    if python_bin_on_path:
        first = str(venv / "bin")
    else:
        shims = tmp_path / "shims"
        shims.mkdir()
        shim = shims / "python3"
        shim.write_text(f'#!/bin/sh\nexec "{venv}/bin/python3" "$@"\n')
        shim.chmod(0o755)
        first = str(shims)
    env = clean_environment(home, [first, *base_path])
    assert shutil.which("uv", path=env["PATH"]) is None
    uv = venv / "bin" / "uv"
    found = f"uv: {uv} (uv "

    output = run_prerequisites(env, venv)
    # install-system-deps installs it; scripts/test, in the parent process, then finds that one.
    assert output.count(INSTALLING) == 1, output
    assert uv.is_file(), output
    assert found in output, output

    # A new shell, same HOME and PATH: found, not installed again.
    output = run_prerequisites(env, venv)
    assert INSTALLING not in output, output
    assert found in output, output
    if not python_bin_on_path:
        assert f"uv: using {uv} (it was not on PATH)" in output, output


def test_a_new_shell_finds_uv_in_the_user_bin_directory(tmp_path: Path) -> None:
    """Where `pip install --user` (the demo as a normal user) and uv's own installer put it: ~/.local/bin."""
    outer_uv = os.environ.get("UV") or shutil.which("uv")  # `uv run` sets UV to its own binary
    if not outer_uv:
        cannot_run("no uv to place in ~/.local/bin (run the tests with `uv run pytest`)")
    home = tmp_path / "home"
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".local" / "bin" / "uv").symlink_to(outer_uv)
    env = clean_environment(home, path_without_uv(tmp_path))
    assert shutil.which("uv", path=env["PATH"]) is None
    result = run(
        [BASH, "-c", 'source scripts/lib/uv.sh && find_uv && printf "found %s\\n" "$(command -v uv)"'], env=env
    )
    assert result.returncode == 0, result.stdout
    assert f"found {home}/.local/bin/uv" in result.stdout, result.stdout


def test_scripts_test_refuses_unknown_arguments() -> None:
    result = run([BASH, "scripts/test", "--no-such-switch"])
    assert result.returncode == 2
    assert "unknown argument --no-such-switch" in result.stdout
