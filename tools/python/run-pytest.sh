#!/usr/bin/env bash
# Runs the repo's pytest suites (pytest.ini) with the repo's venv; arguments go to pytest.
# A missing venv is an error that says how to make it; pytest's exit 5 (no tests collected,
# e.g. a -k that matches nothing) is reported and counts as success.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import pytest, tradewatch' 2>/dev/null; then
  echo "python-client: no usable Python environment at $root/.venv (pytest and tradewatch must import)." >&2
  echo "python-client: create it with: bash tools/python/setup-venv.sh" >&2
  exit 1
fi
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "python-client: pytest collected no tests"
  exit 0
fi
exit "$status"
