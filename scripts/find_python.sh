#!/usr/bin/env bash
# Print the path of a Python >= 3.12 on this machine (Django 6 needs it), or explain what to install.
set -u
candidates=("${PYTHON:-}" python3.13 python3.12 python3.14 python3)
for dir in "$HOME/.pyenv/versions" /root/.pyenv/versions /usr/local/pyenv/versions /opt/pyenv/versions; do
  for found in $(ls -d "$dir"/3.1[2-9]* 2>/dev/null | sort -rV); do candidates+=("$found/bin/python"); done
done
candidates+=(/usr/bin/python3.13 /usr/bin/python3.12 /usr/local/bin/python3.13 /usr/local/bin/python3.12)
for candidate in "${candidates[@]}"; do
  [ -n "$candidate" ] || continue
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    echo "$path"
    exit 0
  fi
done
echo "No Python >= 3.12 found. Install one (e.g. 'pyenv install 3.13' or 'apt-get install python3.13 python3.13-venv')," >&2
echo "or point PYTHON at it: make run PYTHON=/path/to/python3.13" >&2
exit 1
