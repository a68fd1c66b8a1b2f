"""What many commands share: the person acting (``--as``), wording from standard input,
an override's reason, and warnings about personal data in a text."""

import sys

import click


def user_named(name: str | None):
    from django.contrib.auth.models import User

    from amends.errors import NotFound

    if name is None:
        return None
    user = User.objects.filter(username=name).first()
    if user is None:
        raise NotFound(
            f"as: there is no user {name!r}; add them first with `amends user add {name} "
            "--role ROLE` (ROLE: author, supervisor, auditor or admin, for what they do)"
        )
    return user


def text_or_stdin(value: str) -> str:
    """``--text -`` reads the text from standard input."""
    return sys.stdin.read() if value == "-" else value


def warn_personal(text: object) -> None:
    """Say on stderr what in ``text`` looks like personal data (a warning: nothing is refused)."""
    from amends.text import personal

    if isinstance(text, str):
        for finding in personal.find(text):
            click.echo(f"warning: text: {finding.message}", err=True)


def needs_reason(anyway: bool, reason: str) -> None:
    if anyway and not reason.strip():
        raise click.UsageError("--anyway needs --reason: say why you override the checker")


def as_option(func):
    return click.option(
        "--as", "as_user", required=True, metavar="USER", help="The person acting (a user name)."
    )(func)
