"""Real platform servers on loopback, for integration tests (see shared TEST-SERVERS.md).

Heavy installs live outside the clone, under ``$AMENDS_TEST_SERVERS`` (default
``/var/cache/amends-test-servers``), so a second run on the same machine reuses them.
"""

import os
from pathlib import Path


def cache_root() -> Path:
    return Path(os.environ.get("AMENDS_TEST_SERVERS") or "/var/cache/amends-test-servers")


def npm_install(name: str, here: Path, files: tuple[str, ...]) -> Path:
    """``npm ci`` of the lock in ``here`` into ``$AMENDS_TEST_SERVERS/<name>``, once per lock
    (a stamp names the files' hash), under a file lock; its folder."""
    import fcntl
    import hashlib
    import shutil
    import subprocess

    root = cache_root() / name
    root.mkdir(parents=True, exist_ok=True)
    stamp_text = hashlib.sha256(b"".join((here / f).read_bytes() for f in files)).hexdigest()
    with open(root.parent / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = root / "installed"
        if stamp.exists() and stamp.read_text() == stamp_text:
            return root
        stamp.unlink(missing_ok=True)
        shutil.rmtree(root / "node_modules", ignore_errors=True)
        for file in files:
            shutil.copy(here / file, root / file)
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=root,
            check=True,
            capture_output=True,
            timeout=600,
        )
        stamp.write_text(stamp_text)
    return root
