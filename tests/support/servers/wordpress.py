"""A real WordPress site on loopback, for integration tests (see shared TEST-SERVERS.md).

:func:`install` puts Debian's WordPress 6.1, PHP and MariaDB on the machine the first time a test
needs them, under a file lock, with ``/usr/sbin/policy-rc.d`` answering 101 so that the Apache
the ``wordpress`` package pulls in is never started. A failed install raises
:class:`ServerError`; the fixture turns that into a failed test, never a skipped one.

:class:`Site` is one fresh site in a temporary folder: a private MariaDB on a unix socket (no
network), a copy of ``/usr/share/wordpress`` with an ordinary ``wp-config.php``, installed by
``wordpress/install.php`` (an administrator and an application password), theme Twenty
Twenty-Three, mail silenced by a must-use plugin, served by ``php -S`` with four workers in its
own process group. ``stop()`` and ``start()`` stop and start only the web server, on the same
port and over the same database: a platform that goes down and comes back.

The helpers read and change the site through its REST API as the administrator, to check what a
connector did and to play someone editing a post directly in WordPress.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.support.net import free_port
from tests.support.servers import cache_root

PACKAGES = [
    "wordpress",
    "php-cli",
    "php-mysql",
    "php-xml",
    "php-mbstring",
    "php-curl",
    "mariadb-server",
    "wordpress-theme-twentytwentythree",
]
WORDPRESS = Path("/usr/share/wordpress")
THEME = "twentytwentythree"
POLICY = Path("/usr/sbin/policy-rc.d")
HERE = Path(__file__).resolve().parent / "wordpress"
INSTALL_TIMEOUT = 20 * 60
START_TIMEOUT = 60
USER = "admin"


class ServerError(RuntimeError):
    """WordPress could not be installed or started; the message says why and where to look."""


# Installing the packages.


def missing() -> list[str]:
    """What this machine lacks to run a WordPress test site, in words."""
    lacks = []
    if not (WORDPRESS / "wp-load.php").exists():
        lacks.append(f"WordPress ({WORDPRESS})")
    if not (WORDPRESS / "wp-content" / "themes" / THEME / "style.css").exists():
        lacks.append(f"the {THEME} theme")
    for program in ("php", "mariadbd", "mariadb-install-db", "mariadb"):
        if not shutil.which(program, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/bin"):
            lacks.append(program)
    if shutil.which("php"):
        modules = subprocess.run(["php", "-m"], capture_output=True, text=True).stdout.split()
        lacks += [f"PHP's {m} module" for m in ("mysqli", "mbstring", "xml") if m not in modules]
    return lacks


def install() -> float:
    """Install whatever is missing; return the seconds it took (0 when nothing was missing).

    Safe to call from several processes at once: the first installs, the others wait on the lock
    and then find everything in place.
    """
    if not missing():
        return 0.0
    started = time.monotonic()
    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        lock = open(root / "wordpress.lock", "w")  # noqa: SIM115 - held until the install ends
    except OSError as error:
        raise ServerError(f"cannot take the install lock in {root}: {error}") from None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lacks = missing()
        if not lacks:
            return time.monotonic() - started
        if os.geteuid() != 0:
            raise ServerError(
                f"WordPress tests need {', '.join(lacks)}; installing them needs root: "
                f"apt-get install -y --no-install-recommends {' '.join(PACKAGES)}"
            )
        log = root / "wordpress-install.log"
        with open(log, "w") as out, _no_services():
            command = [
                "apt-get",
                "install",
                "-y",
                "-q",
                "--no-install-recommends",
                "-o",
                "DPkg::Lock::Timeout=600",
                *PACKAGES,
            ]
            if _run(command, out) != 0:
                # The image's package lists may be older than the mirror: refresh once.
                _run(["apt-get", "update", "-q", "-o", "DPkg::Lock::Timeout=600"], out)
                if _run(command, out) != 0:
                    raise ServerError(f"apt-get install failed; see {log}:\n{_tail(log)}")
        lacks = missing()
        if lacks:
            raise ServerError(f"installed, yet still missing {', '.join(lacks)}; see {log}")
    return time.monotonic() - started


@contextlib.contextmanager
def _no_services():
    """Make sure package scripts start no service (the ``wordpress`` package pulls in Apache,
    which would take port 80): policy-rc.d must exit 101. One that exists and allows starting
    services is the machine owner's choice, so refuse rather than replace it."""
    if POLICY.exists():
        code = subprocess.run([str(POLICY), "apache2", "start"], capture_output=True).returncode
        if code != 101:
            raise ServerError(
                f"{POLICY} exits {code}, not 101, so installing WordPress would start Apache; "
                f"install the packages yourself: apt-get install -y --no-install-recommends "
                f"{' '.join(PACKAGES)}"
            )
        yield
        return
    ours = "#!/bin/sh\n# Amends tests are installing packages: start no services.\nexit 101\n"
    POLICY.write_text(ours)
    POLICY.chmod(0o755)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            if POLICY.read_text() == ours:
                POLICY.unlink()


def _run(command: list[str], out) -> int:
    out.write(f"$ {' '.join(command)}\n")
    out.flush()
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        result = subprocess.run(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=INSTALL_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ServerError(f"{' '.join(command)} failed: {error}; see {out.name}") from None
    out.write(f"# exit {result.returncode}\n")
    out.flush()
    return result.returncode


def _tail(path: Path | str, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    return ""


# One site.


class Site:
    """A fresh WordPress site with its own database; :meth:`create` makes and starts one."""

    def __init__(self, root: Path, port: int):
        self.root, self.port = root, port
        self.url = f"http://127.0.0.1:{port}"
        self.docroot = root / "wordpress"
        self.socket = root / "mysql.sock"
        self.user, self.app_password, self.user_id, self.version = USER, "", 0, ""
        self.timings: dict[str, float] = {}
        self._database: subprocess.Popen | None = None
        self._web: subprocess.Popen | None = None
        self._client: httpx.Client | None = None

    @classmethod
    def create(cls) -> Site:
        """Install what is missing, then make, install and start a new site."""
        took = install()
        root = Path(tempfile.mkdtemp(prefix="amends-wp-"))  # short: a socket path has 107 bytes
        site = cls(root, free_port())
        site.timings["install"] = took
        # Ends the servers should this process die before close() (a timeout's SIGKILL).
        subprocess.Popen(
            [sys.executable, str(HERE / "watchdog.py"), str(os.getpid()), str(root)],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            started = time.monotonic()
            site._make_database()
            site.timings["database"] = time.monotonic() - started
            started = time.monotonic()
            site._make_wordpress()
            site.start()
            site.timings["site"] = time.monotonic() - started
        except BaseException:
            site.close()
            raise
        return site

    # Making it.

    def _make_database(self) -> None:
        data = self.root / "mysql"
        as_root = ["--user=root"] if os.geteuid() == 0 else []
        command = [
            "mariadb-install-db",
            "--no-defaults",
            f"--datadir={data}",
            *as_root,
            "--auth-root-authentication-method=normal",  # root with no password, socket only
            "--skip-test-db",
            "--skip-name-resolve",
        ]
        self._check(command, "mariadb-install-db")
        with open(self.root / "mariadb.log", "w") as log:  # the server keeps its own copy
            self._database = subprocess.Popen(
                [
                    "mariadbd",
                    "--no-defaults",
                    f"--datadir={data}",
                    f"--socket={self.socket}",
                    f"--pid-file={self.root / 'mariadb.pid'}",
                    *as_root,
                    "--skip-networking",
                    "--skip-log-bin",
                    "--innodb-log-file-size=8M",
                    "--innodb-buffer-pool-size=32M",
                    "--innodb-flush-log-at-trx-commit=0",  # a test site: speed over durability
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        (self.root / "database.pgid").write_text(str(self._database.pid))
        deadline = time.monotonic() + START_TIMEOUT
        while not self._database_answers():
            if self._database.poll() is not None:
                raise ServerError(f"mariadbd exited: {_tail(self.root / 'mariadb.log')}")
            if time.monotonic() > deadline:
                raise ServerError(f"mariadbd did not answer; see {self.root / 'mariadb.log'}")
            time.sleep(0.1)
        sql = "CREATE DATABASE wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        self._check(
            ["mariadb", "--no-defaults", f"--socket={self.socket}", "-uroot", "-e", sql],
            "creating the database",
        )

    def _database_answers(self) -> bool:
        if not self.socket.exists():
            return False
        with socket.socket(socket.AF_UNIX) as sock:
            try:
                sock.connect(str(self.socket))
            except OSError:
                return False
        return True

    def _make_wordpress(self) -> None:
        # Debian links parts of /usr/share/wordpress elsewhere; copy what they point at.
        shutil.copytree(WORDPRESS, self.docroot, ignore_dangling_symlinks=True)
        salts = "\n".join(
            f"define('{name}', '{secrets.token_hex(32)}');"
            for name in (
                "AUTH_KEY",
                "SECURE_AUTH_KEY",
                "LOGGED_IN_KEY",
                "NONCE_KEY",
                "AUTH_SALT",
                "SECURE_AUTH_SALT",
                "LOGGED_IN_SALT",
                "NONCE_SALT",
            )
        )
        config = (HERE / "wp-config.php.in").read_text()
        config = config.replace("@SOCKET@", str(self.socket)).replace("@URL@", self.url)
        (self.docroot / "wp-config.php").write_text(config.replace("@SALTS@", salts))
        plugins = self.docroot / "wp-content" / "mu-plugins"
        plugins.mkdir(parents=True, exist_ok=True)
        shutil.copy(HERE / "amends-test.php", plugins / "amends-test.php")
        password = secrets.token_urlsafe(16)
        output = self._check(
            ["php", str(HERE / "install.php"), str(self.docroot), USER, password, THEME],
            "installing WordPress",
        )
        try:
            installed = json.loads(output[output.index("{") :])
        except ValueError:
            raise ServerError(f"install.php printed no JSON: {output[-2000:]}") from None
        if installed["theme"] != THEME:
            raise ServerError(f"the {THEME} theme did not activate: {installed}")
        self.app_password, self.user_id = installed["app_password"], installed["user_id"]
        self.version = installed["version"]

    def _check(self, command: list[str], what: str) -> str:
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=START_TIMEOUT, cwd=self.root
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise ServerError(f"{what} failed: {error}") from None
        if result.returncode != 0:
            raise ServerError(
                f"{what} failed (exit {result.returncode}): {result.stderr[-2000:]}"
                f"{result.stdout[-2000:]}"
            )
        return result.stdout

    # Running it.

    def start(self) -> None:
        """Serve the site on its port (the same one every time) and wait until it answers."""
        if self._web is not None:
            return
        with open(self.root / "php.log", "a") as log:  # the server keeps its own copy
            self._web = subprocess.Popen(
                [
                    "php",
                    "-S",
                    f"127.0.0.1:{self.port}",
                    "-t",
                    str(self.docroot),
                    str(HERE / "router.php"),
                ],
                cwd=self.docroot,
                env={**os.environ, "PHP_CLI_SERVER_WORKERS": "4"},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # setsid: stop() ends the workers with the parent
            )
        (self.root / "web.pgid").write_text(str(self._web.pid))
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                if httpx.get(f"{self.url}/wp-json/", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self._web.poll() is not None:
                raise ServerError(f"php -S exited: {_tail(self.root / 'php.log')}")
            if time.monotonic() > deadline:
                raise ServerError(f"WordPress did not answer; see {self.root / 'php.log'}")
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop serving (the database stays up): the port refuses connections."""
        _end(self._web)
        self._web = None

    def close(self) -> None:
        """Stop everything and remove the site's folder."""
        self.stop()
        _end(self._database)
        self._database = None
        if self._client is not None:
            self._client.close()
        shutil.rmtree(self.root, ignore_errors=True)

    # Looking at it, as the administrator.

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                base_url=f"{self.url}/wp-json/wp/v2/",
                auth=(self.user, self.app_password),
                timeout=30,
            )
        return self._client

    def _json(self, method: str, path: str, **kwargs):
        response = self.client.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()

    def export(self) -> bytes:
        """The site's WXR export, as Tools → Export → All content makes it."""
        result = subprocess.run(
            ["php", str(HERE / "export.php"), str(self.docroot)],
            capture_output=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0 or b"<rss" not in result.stdout:
            said = result.stderr.decode(errors="replace")[-2000:]
            raise ServerError(f"export.php failed: {said}")
        return result.stdout

    def post(self, post_id: int | str) -> dict | None:
        """The post as WordPress holds it (context=edit), or None when gone or in the trash."""
        response = self.client.get(f"posts/{post_id}", params={"context": "edit"})
        if response.status_code in (404, 410):
            return None
        response.raise_for_status()
        post = response.json()
        return None if post["status"] == "trash" else post

    def revisions(self, post_id: int | str) -> list[dict]:
        """The post's revisions, newest first."""
        return self._json("GET", f"posts/{post_id}/revisions", params={"context": "edit"})

    def comments(self, post_id: int | str, *, status: str = "all") -> list[dict]:
        """Comments on the post, oldest first, of every status unless told."""
        params = {"post": post_id, "context": "edit", "status": status, "order": "asc"}
        return self._json("GET", "comments", params={**params, "per_page": 100})

    def comment(self, comment_id: int | str) -> dict | None:
        response = self.client.get(f"comments/{comment_id}", params={"context": "edit"})
        if response.status_code in (404, 410):
            return None
        response.raise_for_status()
        return response.json()

    def edit_outside(self, post_id: int | str, content: str) -> dict:
        """Change the post's content directly in WordPress, as a person in wp-admin would."""
        return self._json("POST", f"posts/{post_id}", json={"content": content})

    def delete_outside(self, post_id: int | str, *, force: bool = False) -> None:
        """Delete the post directly in WordPress: to the trash, as wp-admin's "Trash" link
        does, or for good with ``force``."""
        params = {"force": "true"} if force else {}
        response = self.client.delete(f"posts/{post_id}", params=params)
        response.raise_for_status()

    def page(self, url: str) -> str:
        """A public page of the site, as a reader's browser gets it."""
        response = httpx.get(url, timeout=30, follow_redirects=True)
        response.raise_for_status()
        return response.text


def _end(process: subprocess.Popen | None) -> None:
    """End a server and every process in its group (php -S workers hold the port otherwise)."""
    if process is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    # Workers may outlive the parent by a moment; wait until the group is empty.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
