#!/usr/bin/env bash
# Set up (once) and run the service on 127.0.0.1:8000 with the lists in data/.
# Extra arguments go to `prescreen serve` (e.g. --port 9000 --workers 2).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
exec .venv/bin/prescreen serve "$@"
