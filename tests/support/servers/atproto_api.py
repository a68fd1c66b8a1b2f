"""Bluesky's own client library, ``@atproto/api`` from npm, to compare Amends' facets with.

Installed once (``npm ci`` from the lock beside this file, so every run gets the same library
and the same list of top-level domains) into ``$AMENDS_TEST_SERVERS/atproto-api``, with the
machine's Node. Not a server: :func:`facets` runs it over a batch of texts.
"""

import fcntl
import hashlib
import json
import shutil
import subprocess
from pathlib import Path

from tests.support.servers import cache_root

HERE = Path(__file__).parent / "atproto-api"
FILES = ("package.json", "package-lock.json", "facets.mjs")


def install() -> Path:
    root = cache_root() / "atproto-api"
    root.mkdir(parents=True, exist_ok=True)
    stamp_text = hashlib.sha256(b"".join((HERE / f).read_bytes() for f in FILES)).hexdigest()
    with open(root.parent / "atproto-api.lock", "w") as lock:
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


def _ask(request: dict):
    root = install()
    done = subprocess.run(
        ["node", str(root / "facets.mjs")],
        cwd=root,
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout)


def facets(texts: list[str]) -> list[list[dict]]:
    """What ``RichText.detectFacetsWithoutResolution`` makes of each text."""
    return _ask({"texts": texts})


def tlds() -> list[str]:
    return _ask({"tlds": True})
