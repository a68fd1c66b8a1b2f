"""Commands that run Amends: migrate and serve."""

import os
import sys

import click

from amends.cli import command, one_line_errors, setup_django


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
    """Serve the public site (and, later, the desk) with the production server.

    Example: amends serve --host 127.0.0.1 --port 8000
    """
    with one_line_errors():
        setup_django()
        from django.conf import settings

        from amends.site.render import render_all

        if not (settings.SITE_DIR / "index.html").exists():
            render_all()
    click.echo(f"Amends is serving on http://{host}:{port}/ (Ctrl-C to stop)")
    click.echo(
        f"Data: {settings.HOME}. First users: amends user add NAME --role author|"
        "supervisor|auditor|admin"
    )
    argv = [
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
        str(workers or os.cpu_count() or 1),
        # Few requests in Python at once per worker: more only queue inside it, and the tail
        # latency grows (measured with make bench).
        "--backpressure",
        "16",
        "--no-ws",
        "amends.wsgi:application",
    ]
    os.execv(sys.executable, argv)


COMMANDS = {"migrate": migrate, "serve": serve}
