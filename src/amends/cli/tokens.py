"""API tokens from the command line: create one, list them, revoke one."""

import click

from amends.cli import command
from amends.cli.desk import _user, as_option


def _summary(token) -> dict:
    def when(moment):
        return moment.isoformat() if moment is not None else None

    return {
        "id": token.pk,
        "user": token.user.username,
        "name": token.name,
        "shown": token.shown,
        "created_at": token.created_at.isoformat(),
        "last_used_at": when(token.last_used_at),
        "revoked_at": when(token.revoked_at),
    }


@click.group()
def token():
    """Create, list and revoke tokens for the REST API (/api/)."""


@token.command("add")
@click.option("--name", default="", help="What the token is for, e.g. 'newsroom laptop'.")
@as_option
@command
def token_add(name, as_user):
    """Create an API token for yourself and print it. It is shown this once and never stored:
    copy it now. Send it as `Authorization: Bearer <token>`.

    Example: amends token add --as alice --name "newsroom laptop"
    """
    from amends.desk.actions import CreateToken

    issued = CreateToken(_user(as_user), name=name).run()
    summary = _summary(issued.token)
    return {**summary, "token": issued.secret}, (
        f"{issued.secret}\n"
        f"token {summary['id']} created for {summary['user']}; copy it now: it is not shown again"
    )


@token.command("list")
@click.option("--user", default=None, help="Another person's tokens (admins only).")
@as_option
@command
def token_list(user, as_user):
    """List your API tokens (an admin may name another person). Secrets are never shown.

    Example: amends token list --as alice
    """
    from amends.desk.actions.tokens import visible_tokens

    tokens = [_summary(t) for t in visible_tokens(_user(as_user), user=user).select_related("user")]
    lines = [
        f"{t['id']}\t{t['shown']}\t{t['name'] or '-'}\tcreated {t['created_at'][:16]}"
        f"\tlast used {(t['last_used_at'] or 'never')[:16]}"
        + (f"\trevoked {t['revoked_at'][:16]}" if t["revoked_at"] else "")
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
    from amends.desk.actions import RevokeToken

    revoked = RevokeToken(_user(as_user), token=token_id).run()
    return _summary(revoked), f"token {revoked.pk} revoked"


COMMANDS = {"token": token}
