"""Dependencies are pinned in pyproject.toml and locked with hashes in requirements.lock."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_dependency_is_pinned_and_locked_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    lock = (ROOT / "requirements.lock").read_text().lower()
    unpinned = [req for req in requirements if "==" not in req]
    assert unpinned == []
    missing = []
    for requirement in requirements:
        name, version = re.split(r"==", requirement)
        name = re.sub(r"\[.*\]", "", name).strip().lower().replace("_", "-")
        if not re.search(rf"^{re.escape(name)}=={re.escape(version.strip())} \\\n\s+--hash=sha256:", lock, re.M):
            missing.append(requirement)
    assert missing == [], f"not in requirements.lock (run scripts/lock.sh): {missing}"
