"""Bluesky's own client library, ``@atproto/api`` from npm, to compare Amends' facets with.

Installed once (``npm ci`` from the lock beside this file, so every run gets the same library
and the same list of top-level domains) into ``$AMENDS_TEST_SERVERS/atproto-api``, with the
machine's Node. Not a server: :func:`facets` runs it over a batch of texts.
"""

import json
import subprocess
from pathlib import Path

from tests.support.servers import npm_install

HERE = Path(__file__).parent / "atproto-api"
FILES = ("package.json", "package-lock.json", "facets.mjs")


def install() -> Path:
    return npm_install("atproto-api", HERE, FILES)


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
