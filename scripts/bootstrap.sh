#!/usr/bin/env bash
# Create .venv and install georedflow with its development tools; skip when nothing changed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
python=${PYTHON:-python3}

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "bootstrap: georedflow needs Python >= 3.11; $python is $("$python" --version)" >&2
    exit 1
fi

stamp=.venv/.georedflow-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi

start=$(date +%s)
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
echo "$want" > "$stamp"
echo "bootstrap: georedflow installed in .venv in $(( $(date +%s) - start )) s"
