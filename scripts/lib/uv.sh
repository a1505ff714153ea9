# shellcheck shell=bash
# Find uv, or install it with pip, and put the directory of a working uv first on PATH. The one way to get uv,
# shared by scripts/demo, scripts/test, scripts/install-system-deps and .ci/run:
#
#   source scripts/lib/uv.sh
#   ensure_uv || exit 1     # find_uv: the same without installing
#
# Where it looks, in order: PATH; ~/.local/bin and ~/.cargo/bin (uv's own installer), $XDG_BIN_HOME, and the
# user-base bin/ of python3 (`pip install --user`); then `import uv` in python3, which knows where pip put the
# binary (a pyenv Python's or a virtualenv's bin/, which need not be on PATH). So a new shell finds a uv that an
# earlier run installed.
#
# How it installs: `python3 -m pip install uv` with the first python3 on PATH. As root, or inside a virtualenv,
# into that Python's own site-packages (Debian's system Python is externally managed (PEP 668), so there with
# --break-system-packages: uv lands in /usr/local/bin); as anyone else, with --user. As root on Debian, installs
# python3-pip with apt-get if pip is missing.

_uv_say() { printf 'uv: %s\n' "$*"; }
_uv_error() { printf '\nERROR: %s\n' "$*" >&2; }

_uv_works() { [[ -f "$1" && -x "$1" ]] && "$1" --version >/dev/null 2>&1; }

_uv_use() { # _uv_use /path/to/uv: put its directory first on PATH (once)
    local dir
    dir="$(cd "$(dirname "$1")" && pwd)"
    case ":$PATH:" in
        ":$dir:"*) ;;
        *) export PATH="$dir:$PATH" ;;
    esac
    hash -r
}

_uv_from_python() { # print the uv binary that python3's `uv` package knows of, if any
    command -v python3 >/dev/null 2>&1 || return 1
    python3 -c 'import uv; print(uv.find_uv_bin())' 2>/dev/null
}

find_uv() { # put a working uv first on PATH and return 0, or return 1
    local candidate user_base
    candidate="$(command -v uv 2>/dev/null || true)"
    if [[ -n "$candidate" ]] && _uv_works "$candidate"; then
        return 0
    fi
    user_base="$(python3 -m site --user-base 2>/dev/null || true)"
    for candidate in "$HOME/.local/bin/uv" "$HOME/.cargo/bin/uv" ${XDG_BIN_HOME:+"$XDG_BIN_HOME/uv"} \
        ${user_base:+"$user_base/bin/uv"} "$(_uv_from_python || true)"; do
        if [[ -n "$candidate" ]] && _uv_works "$candidate"; then
            _uv_use "$candidate"
            _uv_say "using $candidate (it was not on PATH)"
            return 0
        fi
    done
    return 1
}

_uv_pip_install() { # install uv with python3's pip: see the header for where it goes
    local python layout args=(--quiet)
    python="$(command -v python3 2>/dev/null || true)"
    if [[ -z "$python" ]]; then
        _uv_error "python3 is missing. Install Python 3.11 (e.g. sudo apt-get install python3), then run this again."
        return 1
    fi
    if ! python3 -m pip --version >/dev/null 2>&1; then
        if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
            _uv_say "installing python3-pip with apt-get (pip is needed to install uv)"
            apt-get -o DPkg::Lock::Timeout=300 update -qq &&
                DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq python3-pip \
                    </dev/null >/dev/null || return 1
        fi
        if ! python3 -m pip --version >/dev/null 2>&1; then
            _uv_error "uv is missing and $python has no pip to install it with.
       Install uv (https://docs.astral.sh/uv/getting-started/installation/) or pip
       (sudo apt-get install python3-pip), then run this again."
            return 1
        fi
    fi
    # "venv managed": inside a virtualenv; Debian's own Python marks itself externally managed (PEP 668).
    layout="$(python3 -c 'import os, sys, sysconfig
venv = sys.prefix != sys.base_prefix
managed = os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))
print(("venv" if venv else "system") + (" managed" if managed and not venv else ""))')" || return 1
    if [[ "$layout" != venv && "$(id -u)" -ne 0 ]]; then
        args+=(--user)
    fi
    if [[ "$layout" == *managed ]]; then
        args+=(--break-system-packages)
    fi
    _uv_say "not found; installing it with pip ($python -m pip install ${args[*]} uv)"
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore python3 -m pip install "${args[@]}" uv
}

ensure_uv() { # find uv, or install it; on success a working uv is first on PATH
    find_uv && return 0
    local installed=""
    if _uv_pip_install; then
        installed="$(_uv_from_python || true)"
    fi
    if [[ -n "$installed" ]] && _uv_works "$installed"; then
        _uv_use "$installed"
        _uv_say "installed $installed ($("$installed" --version))"
        return 0
    fi
    _uv_error "could not install uv. Install it yourself (https://docs.astral.sh/uv/getting-started/installation/),
       make sure \`uv --version\` works in a new shell, then run this again."
    return 1
}
