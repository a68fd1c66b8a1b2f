"""The people who use Amends: adding them and giving them a password to sign in with (run by
the server's operator; in the desk, admins do both under People and accounts)."""

import click

from amends.cli import command, read_secret


@click.group()
def user():
    """Manage the people who use Amends."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["author", "supervisor", "auditor", "admin"]),
    help="What the person does.",
)
@click.option(
    "--password-file",
    type=click.File("r"),
    default=None,
    help="Read a password for signing in to the desk from this file (at least 12 characters, "
    "not all digits, not a common password, not like the name).",
)
@command
def user_add(name, role, password_file):
    """Add a person with a role (run by the server's operator).

    Example: amends user add alice --role author
    """
    from amends.actions import AddUser

    password = read_secret(password_file, "--password-file")
    AddUser(None, name=name, role=role, password=password, as_operator=True).run()
    return {"user": name, "role": role}, f"user {name} added as {role}"


@user.command("password")
@click.argument("name")
@click.option(
    "--password-file",
    type=click.File("r"),
    required=True,
    help="Read the new password from this file. A password has at least 12 characters, is not "
    "all digits, not a common password and not like the person's name.",
)
@command
def user_password(name, password_file):
    """Give a person a password to sign in to the desk with (a first one, or a new one when
    theirs is forgotten). Their other sessions end and their API tokens are revoked.

    Example: amends user password alice --password-file alice.txt
    """
    from django.contrib.auth.models import User

    from amends.actions import SetPassword
    from amends.errors import NotFound

    person = User.objects.filter(username=name).first()
    if person is None:
        raise NotFound(f"user: there is no user {name!r}; add them with `amends user add`")
    password = read_secret(password_file, "--password-file")
    action = SetPassword(None, user=person.pk, password=password, as_operator=True)
    action.run()
    revoked = f"; {action.revoked} API token(s) revoked" if action.revoked else ""
    return {"user": name, "revoked": action.revoked}, f"password set for {name}{revoked}"


COMMANDS = {"user": user}
