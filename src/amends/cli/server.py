"""Commands that run Amends: migrate and serve."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time

import click

from amends.cli import command, one_line_errors, refuse_a_rollback, setup_django


@click.command()
@command
def migrate():
    """Create or update the database tables (safe to run at any time).

    Example: amends migrate
    """
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    return {"ok": True, "database": str(name)}, f"database ready: {name}"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Worker processes (default: one per core).",
)
def serve(host: str, port: int, workers: int):
    """Serve the public site, the staff desk (/desk/) and the API (/api/) with the production
    server.

    Example: amends serve --host 127.0.0.1 --port 8000
    """
    with one_line_errors():
        setup_django()
        from django.conf import settings

        from amends import served
        from amends.site.render import render_all

        refuse_a_rollback()

        moved = False
        if not settings.SITE_URL_SET and served.write(settings.HOME, host, port):
            # Links in the pages, the feed and the API follow the address served on.
            settings.SITE_URL = served.read(settings.HOME)
            moved = True
        if moved or not (settings.SITE_DIR / "index.html").exists():
            render_all()
    click.echo(f"Amends is serving on http://{host}:{port}/ (Ctrl-C to stop)")
    click.echo(
        f"Data: {settings.HOME}. First users: amends user add NAME --role author|"
        "supervisor|auditor|admin"
    )
    argv = granian(
        "amends.wsgi:application", host, port, workers or os.cpu_count() or 1, PYTHON_THREADS
    )
    _more_open_files()
    if not settings.SERVE_WORKER:
        os.execv(sys.executable, argv)
    sys.exit(_serve_with_worker(argv))


def granian(app: str, host: str, port: int, workers: int, threads: int) -> list[str]:
    """The command line of the production HTTP server (granian) for the WSGI ``app``."""
    from django.conf import settings

    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        # HTTP/1 only, so the header-read timeout below applies to every connection: a client
        # that opens a connection and sends its headers slowly, or not at all, is cut off.
        "--http",
        "1",
        "--http1-header-read-timeout",
        str(settings.SERVE_HEADER_SECONDS * 1000),
        # Many connections held open per worker (idle keep-alive ones cost a socket, not a
        # place), but few requests in Python at once: more only queue inside it and the tail
        # latency grows (measured with make bench, also under 200 slow clients).
        "--backpressure",
        str(settings.SERVE_CONNECTIONS),
        "--blocking-threads",
        str(threads),
        "--no-ws",
        app,
    ]


STOP_GRACE = 20  # seconds the web server has to stop once asked
PYTHON_THREADS = 8  # requests in Python at once, per worker


def _more_open_files() -> None:
    """Raise the open-file limit to what the system allows: each held connection is a file."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _stop_with_parent() -> None:
    """In the web server's process, before it starts: SIGTERM when its parent dies (Linux)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _serve_with_worker(argv: list[str]) -> int:
    """Run the web server as a child and deliver to the platforms in a thread of this process
    (the embedded default: one command runs everything). SIGTERM stops both; the delivery in
    hand is finished and recorded first."""
    from amends.delivery.worker import Worker

    # The web server runs in a session of its own, so that a signal to this process's group
    # (Ctrl-C in a terminal, a service manager's kill) reaches it once, forwarded from here:
    # granian's handler can deadlock on a second signal arriving while it handles the first.
    # It is told to stop if this process dies without forwarding anything.
    server = subprocess.Popen(argv, start_new_session=True, preexec_fn=_stop_with_parent)
    runner = Worker(f"serve:{os.getpid()}")
    thread = threading.Thread(target=runner.run, name="amends-delivery", daemon=True)
    thread.start()

    asked: list[float] = []

    def stop(signum, frame):
        runner.stopping.set()
        asked.append(time.monotonic())
        if server.poll() is None:
            server.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while server.poll() is None:
        # A granian worker told to stop while it is still starting may never stop: after a
        # grace period the whole server is killed, so that stopping Amends always stops it.
        if asked and time.monotonic() - asked[0] > STOP_GRACE:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
        time.sleep(0.2)
    runner.stopping.set()
    thread.join(timeout=60)
    return 0 if asked else server.returncode


COMMANDS = {"migrate": migrate, "serve": serve}
