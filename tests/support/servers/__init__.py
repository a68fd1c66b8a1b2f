"""Real platform servers on loopback, for integration tests (see shared TEST-SERVERS.md).

Heavy installs live outside the clone, under ``$AMENDS_TEST_SERVERS`` (default
``/var/cache/amends-test-servers``), so a second run on the same machine reuses them.
"""

import os
from pathlib import Path


def cache_root() -> Path:
    return Path(os.environ.get("AMENDS_TEST_SERVERS") or "/var/cache/amends-test-servers")
