# Sourced by the scripts: make .venv with the project installed (with the given extras).
set -euo pipefail

PYTHON=${PYTHON:-python3}

ensure_venv() {
    local extras=${1:-}
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "timebank needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))." >&2
        exit 1
    fi
    if [ ! -x .venv/bin/python ]; then
        if ! "$PYTHON" -m venv .venv; then
            rm -rf .venv
            if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
                apt-get install -y -q python3-venv >/dev/null
                "$PYTHON" -m venv .venv
            else
                echo "Could not create a virtual environment: install python3-venv." >&2
                exit 1
            fi
        fi
    fi
    local stamp=".venv/.installed${extras:+-$extras}"
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
        .venv/bin/python -m pip install -q --upgrade pip
        .venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"
        touch "$stamp"
    fi
}
