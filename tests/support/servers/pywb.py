"""The ``pywb`` fixture: a real web archive (Webrecorder's pywb, its Wayback CDX server and
replay) on loopback, for the whole test session.

scripts/pywb installs it once per machine from its own lock (about 10 s); the fixture makes a
collection, starts ``wayback`` on a free port and waits until its CDX API answers. Tests write
WARCs with warcio and add them (``add()``: ``wb-manager add``, which indexes them; pywb reads the
index on each request). A failed install or start fails the test: never skipped.
"""

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import pytest

from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[3]


class Pywb:
    def __init__(self, bin_dir: Path, root: Path):
        self.bin, self.root = bin_dir, root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.collection = f"{self.url}/force"  # as AMENDS_WEB_ARCHIVES names it
        self.process: subprocess.Popen | None = None

    def _run(self, *command: str) -> None:
        result = subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            pytest.fail(f"pywb {' '.join(command)}: {result.stderr[-2000:]}", pytrace=False)

    def start(self) -> None:
        self._run("wb-manager", "init", "force")
        log = open(self.root / "wayback.log", "w")  # noqa: SIM115 - the server keeps it
        self.process = subprocess.Popen(
            [
                str(self.bin / "wayback"),
                "-p",
                str(self.port),
                "-b",
                "127.0.0.1",
                "-d",
                str(self.root),
            ],
            cwd=self.root,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.collection}/cdx?url=x", timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = (self.root / "wayback.log").read_text()[-2000:]
                pytest.fail(f"pywb's wayback did not start: {tail}", pytrace=False)
            time.sleep(0.2)

    def add(self, warc: Path) -> None:
        """Put a WARC into the collection, indexed."""
        self._run("wb-manager", "add", "force", str(warc))

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)


@pytest.fixture(scope="session")
def pywb():
    installed = subprocess.run(
        [str(ROOT / "scripts" / "pywb")], capture_output=True, text=True, timeout=900
    )
    if installed.returncode != 0:
        pytest.fail(f"pywb could not be installed: {installed.stderr[-2000:]}", pytrace=False)
    server = Pywb(Path(installed.stdout.strip()), Path(tempfile.mkdtemp(prefix="amends-pywb-")))
    server.start()
    try:
        yield server
    finally:
        server.close()
