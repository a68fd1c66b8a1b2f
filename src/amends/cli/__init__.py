"""The ``amends`` command line. Thin: each command parses, calls the library, presents.

Every command takes ``--json`` (one JSON object on stdout). Errors are one line on stderr
starting with ``error:`` and exit status 1; usage errors exit 2.
"""

import contextlib
import functools
import json
import os
import sys

import click

from amends import __version__

# Sequence numbers and tree sizes are stored as 64-bit integers: a larger one is a usage error,
# never a database overflow.
SEQ = click.IntRange(0, 2**63 - 1)
SIZE = click.IntRange(1, 2**63 - 1)


def read_secret(file, option: str) -> str | None:
    """The text of a ``--password-file`` or ``--token-file``, stripped; None without one. An
    empty file or one that is not UTF-8 text is one clear error naming the option."""
    from amends.errors import BadInput

    if file is None:
        return None
    try:
        value = file.read().strip()
    except UnicodeDecodeError:
        raise BadInput(f"{option}: the file must hold text (UTF-8), not binary data") from None
    if not value:
        raise BadInput(f"{option}: the file is empty")
    return value


class Failed(Exception):
    """A command failed; ``payload`` is printed as JSON when ``--json`` was given."""

    def __init__(self, message: str, payload: dict | None = None):
        super().__init__(message)
        self.payload = payload


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")
    import django

    django.setup()


def _error_line(error: BaseException) -> str:
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    text = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, DatabaseError) and ("no such table" in text or "does not exist" in text):
        return "the database is not set up; run `amends migrate` first"
    if isinstance(error, ImproperlyConfigured):
        return f"configuration: {text}"
    return text


def refuse_a_rollback() -> None:
    """Stop, in one line, when the record is behind a checkpoint already published."""
    from amends.errors import Refused
    from amends.record import api as record

    behind = record.rollback()
    if behind:
        raise Refused(f"record: {behind}")


@contextlib.contextmanager
def one_line_errors():
    """Turn a deliberate error, a configuration error or a database error into one line on
    stderr starting with ``error:``, and exit 1."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError

    from amends.errors import AmendsError

    try:
        yield
    except (AmendsError, ImproperlyConfigured, DatabaseError) as error:
        click.echo(f"error: {_error_line(error)}", err=True)
        sys.exit(1)


def command(func):
    """Wrap a command: set up Django, print ``--json`` output, turn errors into one line."""

    @click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
    @functools.wraps(func)
    def wrapper(*args, as_json: bool, **kwargs):
        try:
            with one_line_errors():
                setup_django()
                payload, text = func(*args, **kwargs)
        except Failed as failure:
            if as_json and failure.payload is not None:
                click.echo(json.dumps(failure.payload))
            click.echo(f"error: {failure}", err=True)
            sys.exit(1)
        if as_json:
            click.echo(json.dumps(payload))
        elif text:
            click.echo(text)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="amends")
def main():
    """Amends: the mistake-recovery desk for police and public-sector social media.

    Settings come from AMENDS_* environment variables (see docs/configuration.md).
    """


def _register() -> None:
    from amends.cli import (
        accounts,
        backup,
        copies,
        deletions,
        delivery,
        desk,
        evidence,
        imports,
        incidents,
        monitor,
        notify,
        people,
        record,
        server,
        tokens,
        witness,
    )

    groups = (
        record,
        server,
        backup,
        people,
        accounts,
        desk,
        imports,
        incidents,
        deletions,
        notify,
        tokens,
        delivery,
        evidence,
        monitor,
        witness,
        copies,
    )
    for group in groups:
        for name, cmd in group.COMMANDS.items():
            main.add_command(cmd, name)


_register()
