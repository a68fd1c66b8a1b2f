"""The Nu Html Checker (``vnu.jar``, the W3C's own validator), from npm's ``vnu-jar``.

Installed once (``npm ci`` from the lock beside this file) into ``$AMENDS_TEST_SERVERS/vnu``
and run with the machine's Java over a folder of pages in one go. Not a server.
"""

import json
import subprocess
from pathlib import Path

from tests.support.servers import npm_install

HERE = Path(__file__).parent / "vnu"
FILES = ("package.json", "package-lock.json")


def install() -> Path:
    return npm_install("vnu", HERE, FILES)


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
