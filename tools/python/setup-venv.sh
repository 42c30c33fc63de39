#!/usr/bin/env bash
# Creates the repo's Python environment at .venv (git-ignored) from the pinned
# clients/python/requirements-dev.txt, and installs the client (`tradewatch[ccxt]`) editable.
# Idempotent: re-running updates an existing .venv to the pinned set.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
  echo "setup-venv: Python 3.10+ is required (tried '$python'; set PYTHON=/path/to/python3)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r clients/python/requirements-dev.txt
# --no-build-isolation: build with the pinned setuptools above, not whatever the index has today.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-build-isolation --no-deps -e 'clients/python[ccxt]'
.venv/bin/python -m pip check
echo "setup-venv: $(.venv/bin/python --version) ready at $root/.venv"
