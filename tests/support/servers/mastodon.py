"""A fake Mastodon on loopback, for the Mastodon connector's tests.

No real Mastodon-API server (Mastodon, GoToSocial, Pleroma, snac) can be installed from the
registries this project uses, so the tests run against PyPI ``mastodon-mock``: a stateful fake of
the Mastodon REST API (FastAPI and an in-memory SQLite). It has one account, ``testuser``, whose
token is ``mock_token``. ``POST /api/v1/_mock/reset`` empties it; ``/api/v1/_mock/faults`` makes
the next matching requests fail as a real server would (a forced status and body).

:class:`MastodonMock` starts ``mastodon_mock serve --in-memory`` on a free port (about 6 s) in
its own process group, and stops exactly that group. The fixtures :func:`mastodon_server`
(one server for the session) and :func:`mastodon` (that server, emptied for each test) are
registered by importing them into ``tests/conftest.py``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.support.net import free_port

ACCOUNT, TOKEN = "testuser", "mock_token"
START_TIMEOUT = 60


class ServerError(RuntimeError):
    """The fake could not be started; the message says why and where its log is."""


def command() -> list[str]:
    """The console script beside this Python (the virtualenv's bin), else the module."""
    script = Path(sys.executable).with_name("mastodon_mock")
    if script.exists():
        return [str(script)]
    found = shutil.which("mastodon_mock")
    return [found] if found else [sys.executable, "-m", "mastodon_mock"]


class MastodonMock:
    """One ``mastodon_mock serve`` process. ``stop()`` and ``start()`` close and reopen it on
    the same port (its data is in memory, so it comes back empty), as a server that goes down
    and returns."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = TOKEN
        self.process: subprocess.Popen | None = None
        self.log = Path(tempfile.mkdtemp(prefix="mastodon-mock-")) / "server.log"

    def __enter__(self) -> MastodonMock:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        args = ["serve", "--in-memory", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [*command(), *args, "--log-level", "warning"],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, stopped as one
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(
                    f"mastodon_mock exited with {self.process.returncode}; {self.tail}"
                )
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/api/v1/instance", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise ServerError(f"mastodon_mock did not answer within {START_TIMEOUT} s; {self.tail}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        group = os.getpgid(self.process.pid)
        os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    @property
    def tail(self) -> str:
        lines = self.log.read_text(errors="replace").splitlines()[-20:] if self.log.exists() else []
        return f"its log ({self.log}) ends:\n" + "\n".join(lines)

    # The mock's own control endpoints

    def _mock(self, method: str, path: str, body: object = None) -> httpx.Response:
        response = httpx.request(method, f"{self.url}/api/v1/_mock/{path}", json=body, timeout=10)
        response.raise_for_status()
        return response

    def reset(self) -> None:
        """Empty the server: only ``testuser`` left, no statuses, no faults."""
        self._mock("POST", "reset")

    def fault(
        self, method: str, path: str, status: int, body: object = None, *, count: int = 1
    ) -> None:
        """Answer the next ``count`` requests for ``method path`` with ``status`` and ``body``
        (a JSON object), as a real server would fail."""
        self._mock(
            "POST",
            "faults",
            {
                "match": {"methods": [method], "path": path},
                "effect": {"type": "status", "status": status, "body": body},
                "count": count,
            },
        )

    def api(self, method: str, path: str, **kwargs) -> httpx.Response:
        """Ask the server directly, as testuser (to check what a connector did)."""
        headers = {"Authorization": f"Bearer {self.token}"}
        return httpx.request(method, f"{self.url}{path}", headers=headers, timeout=10, **kwargs)


@pytest.fixture(scope="session")
def mastodon_server():
    """One fake Mastodon for the whole session."""
    with MastodonMock() as server:
        yield server


@pytest.fixture
def mastodon(mastodon_server):
    """The fake Mastodon, empty, and running (a test may have stopped it)."""
    if mastodon_server.process is None:
        mastodon_server.start()
    mastodon_server.reset()
    return mastodon_server
