"""`amends serve` as its own process on a free loopback port, for the tests that need the real
server: started, waited for until it answers, and stopped (SIGTERM to its process group)."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.support.net import free_port


def fetch(url: str, method: str = "GET", *, timeout: float = 20) -> tuple[int, bytes]:
    """The status and body of one plain request (an error status is an answer, not a raise)."""
    request = urllib.request.Request(url, method=method)  # noqa: S310 - loopback http only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@dataclass
class Served:
    url: str
    process: subprocess.Popen
    output: str = ""  # what the server printed, once it has stopped


@contextmanager
def serving(
    env: dict,
    *,
    ready: str = "/",
    port: int | None = None,
    args: tuple[str, ...] = (),
    command: tuple[str, ...] = ("serve", "--workers", "1"),
) -> Iterator[Served]:
    """Run `amends serve` (or ``command``, e.g. ``("witness", "serve")``) with ``env`` until the
    block ends (on ``port``, else a free one); ``ready`` is a path that answers once the server
    is up (any status counts)."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "amends", *command, "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    served = Served(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(served.url + ready, timeout=5)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert process.poll() is None, process.communicate()[0]
                assert time.monotonic() < deadline, f"amends {' '.join(command)} did not answer"
                time.sleep(0.2)
        yield served
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        served.output = process.communicate(timeout=60)[0]
