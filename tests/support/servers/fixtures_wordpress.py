"""The ``wordpress`` fixture: one real WordPress site for the whole test session.

Load it from tests/conftest.py. The first test that asks for it installs what is missing
(Debian's packages, once per machine: about 40 s here) and makes a fresh site (a few seconds); the
site and its database are removed when the session ends. A site that cannot be made fails the
test with the reason: these tests are never skipped.
"""

import pytest

from tests.support.servers.wordpress import ServerError, Site


@pytest.fixture(scope="session")
def wordpress():
    """A fresh WordPress site: ``.url``, ``.user``, ``.app_password``, ``.stop()``/``.start()``
    and helpers that read and change it as the administrator (see :class:`Site`)."""
    try:
        site = Site.create()
    except ServerError as error:
        problem = str(error)
    else:
        problem = ""
    if problem:
        pytest.fail(f"WordPress test site: {problem}", pytrace=False)
    try:
        yield site
    finally:
        site.close()
