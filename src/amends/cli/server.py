"""Commands that run Amends: migrate and serve."""

import os
import sys

import click

from amends.cli import command, setup_django


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
    "--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes."
)
def serve(host: str, port: int, workers: int):
    """Serve the public site (and, later, the desk) with the production server.

    Example: amends serve --host 127.0.0.1 --port 8000
    """
    try:
        setup_django()
    except Exception as error:  # configuration errors: one line, exit 1
        click.echo(f"error: {' '.join(str(error).split())}", err=True)
        sys.exit(1)
    click.echo(f"Amends is serving on http://{host}:{port}/ (Ctrl-C to stop)")
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
        str(workers),
        "--no-ws",
        "amends.wsgi:application",
    ]
    os.execv(sys.executable, argv)


COMMANDS = {"migrate": migrate, "serve": serve}
