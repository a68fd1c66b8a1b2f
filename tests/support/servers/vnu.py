"""The Nu Html Checker (``vnu.jar``, the W3C's own validator), from npm's ``vnu-jar``.

Installed once (``npm ci`` from the lock beside this file) into ``$AMENDS_TEST_SERVERS/vnu``
and run with the machine's Java over a folder of pages in one go. Not a server.
"""

import fcntl
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from tests.support.servers import cache_root

HERE = Path(__file__).parent / "vnu"
FILES = ("package.json", "package-lock.json")


def install() -> Path:
    root = cache_root() / "vnu"
    root.mkdir(parents=True, exist_ok=True)
    stamp_text = hashlib.sha256(b"".join((HERE / f).read_bytes() for f in FILES)).hexdigest()
    with open(root.parent / "vnu.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = root / "installed"
        if stamp.exists() and stamp.read_text() == stamp_text:
            return root
        stamp.unlink(missing_ok=True)
        shutil.rmtree(root / "node_modules", ignore_errors=True)
        for name in FILES:
            shutil.copy(HERE / name, root / name)
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=root,
            check=True,
            capture_output=True,
            timeout=600,
        )
        stamp.write_text(stamp_text)
    return root


def errors(folder: Path) -> list[str]:
    """Every error the checker finds in the ``.html`` files under ``folder``, one line each
    (``file:line: message``)."""
    jar = install() / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    done = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", "--skip-non-html",
         str(folder)],
        capture_output=True,
        text=True,
        timeout=900,
    )  # fmt: skip
    found = json.loads(done.stderr or '{"messages": []}')["messages"]
    return [
        f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine', '?')}: {m['message']}"
        f" [{m.get('extract', '').strip()[:120]}]"
        for m in found
        if m.get("type") == "error"
    ]
