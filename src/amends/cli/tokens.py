"""API tokens from the command line: create one, list them, revoke one."""

import click

from amends.cli import command
from amends.cli.options import as_option, user_named


@click.group()
def token():
    """Create, list and revoke tokens for the REST API (/api/)."""


@token.command("add")
@click.option("--name", default="", help="What the token is for, e.g. 'newsroom laptop'.")
@click.option(
    "--days",
    type=int,
    default=None,
    help="The token stops working this many days from now (1 to 3650). Default: never.",
)
@as_option
@command
def token_add(name, days, as_user):
    """Create an API token for yourself and print it. It is shown this once and never stored:
    copy it now. Send it as `Authorization: Bearer <token>`.

    Example: amends token add --as alice --name "newsroom laptop" --days 90
    """
    from amends.actions import CreateToken

    issued = CreateToken(user_named(as_user), name=name, days=days).run()
    summary = issued.token.as_json()
    until = f"; it expires {summary['expires_at'][:16]} UTC" if summary["expires_at"] else ""
    return {**summary, "token": issued.secret}, (
        f"{issued.secret}\n"
        f"token {summary['id']} created for {summary['user']}{until}; "
        "copy it now: it is not shown again"
    )


@token.command("list")
@click.option("--user", default=None, help="Another person's tokens (admins only).")
@as_option
@command
def token_list(user, as_user):
    """List your API tokens (an admin may name another person). Secrets are never shown.

    Example: amends token list --as alice
    """
    from amends.actions.tokens import visible_tokens

    listed = visible_tokens(user_named(as_user), user=user).select_related("user")
    tokens = [t.as_json() for t in listed]
    lines = [
        f"{t['id']}\t{t['shown']}\t{t['name'] or '-'}\tcreated {t['created_at'][:16]}"
        f"\texpires {(t['expires_at'] or 'never')[:16]}"
        f"\tlast used {(t['last_used_at'] or 'never')[:16]}"
        + (f"\trevoked {t['revoked_at'][:16]}" if t["revoked_at"] else "")
        + ("\texpired" if t["state"] == "expired" else "")
        for t in tokens
    ]
    return {"tokens": tokens}, "\n".join(lines) or "no tokens"


@token.command("revoke")
@click.argument("token_id", metavar="TOKEN")
@as_option
@command
def token_revoke(token_id, as_user):
    """Revoke an API token at once: yours, or anyone's if you are an admin.

    Example: amends token revoke 3 --as alice
    """
    from amends.actions import RevokeToken

    revoked = RevokeToken(user_named(as_user), token=token_id).run()
    return revoked.as_json(), f"token {revoked.pk} revoked"


COMMANDS = {"token": token}
