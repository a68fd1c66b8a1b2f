"""The ``pds`` fixture: one real Bluesky PDS (and PLC) on loopback for the whole test session.

The first test that asks for it installs the servers into the cache if they are not there yet
(a few minutes, once per machine), then starts them (about 4 s). A failed install or start fails
that test with the reason; it is never skipped, so CI cannot pass without the real server.
"""

import pytest

from tests.support.servers.pds import Pds, ServerError


@pytest.fixture(scope="session")
def pds(tmp_path_factory):
    """A running PDS: ``url``, ``create_account()``, ``list_records()``, ``stop()``, ``start()``."""
    try:
        server = Pds.launch(tmp_path_factory.mktemp("pds"))
    except ServerError as error:
        problem = str(error)
    else:
        problem = None
    if problem:
        pytest.fail(f"the Bluesky PDS could not be installed or started: {problem}", pytrace=False)
    yield server
    server.close()
