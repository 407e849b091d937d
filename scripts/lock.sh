#!/usr/bin/env bash
# Regenerate requirements.lock (every dependency pinned with its hashes) from pyproject.toml.
# Run after changing dependencies; `make` installs from the lock with --require-hashes.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=var/uv/bin/uv
if [ ! -x "$tool" ]; then
  python=$(./scripts/find_python.sh)
  "$python" -m venv var/uv && var/uv/bin/pip install --quiet uv==0.13.8
fi
"$tool" pip compile pyproject.toml --extra test --generate-hashes --universal --python-version 3.12 \
  --quiet -o requirements.lock
echo "requirements.lock updated"
