"""The accounts Amends posts to: adding them (with what each platform's connector says it
needs), checking their credentials work, and listing them (never their credentials)."""

import click

from amends.cli import command, read_secret


@click.group()
def account():
    """Manage the accounts Amends posts to."""


class _WithConnectorFields(click.Command):
    """`account add` takes what the connectors say their accounts need (each `Field` becomes
    `--NAME`, or `--NAME-file` for a secret). The options are built when the command is used,
    so that no other command pays for importing the connectors."""

    built = False

    def get_params(self, ctx):
        if not self.built:
            at = next(i for i, p in enumerate(self.params) if p.name == "as_json")
            self.params[at:at] = _field_options()
            self.built = True
        return super().get_params(ctx)

    def format_epilog(self, ctx, formatter):
        from amends.connectors import REGISTERED

        with formatter.section("What each platform needs"):
            formatter.write_dl(
                [
                    (c.name, ", ".join(_flag(f) for f in c.fields) or "nothing more")
                    for c in REGISTERED
                ]
            )


def _flag(field) -> str:
    return f"--{field.name}-file" if field.secret else f"--{field.name}"


def _field_options() -> list[click.Option]:
    from amends.connectors import REGISTERED

    needed: dict[str, tuple] = {}
    for connector in REGISTERED:
        for field in connector.fields:
            secret, uses = needed.setdefault(field.name, (field.secret, []))
            uses.append(f"{connector.name}: {field.help}")
    options = []
    for name, (secret, uses) in needed.items():
        said = "; ".join(uses)
        if secret:
            options.append(
                click.Option(
                    [f"--{name}-file", f"field_{name}"],
                    type=click.File("r"),
                    help=f"Read the {name} from this file ({said}).",
                )
            )
        else:
            options.append(
                click.Option([f"--{name}", f"field_{name}"], help=f"{said[0].upper()}{said[1:]}.")
            )
    return options


@account.command("add", cls=_WithConnectorFields)
@click.argument("key", metavar="PLATFORM:HANDLE")
@click.option("--name", default="", help="A display name, e.g. 'Example Police news'.")
@command
def account_add(key, name, **fields):
    """Add an account: the force's own site (house:HANDLE) or an account on a platform, with
    its credentials. Passwords and tokens are read from files, stored encrypted, never shown.

    Example: amends account add bluesky:police.bsky.social --server https://bsky.social
    --password-file app-password.txt
    """
    from amends.actions import AddAccount
    from amends.connectors import CONNECTORS, REGISTERED

    secret = {f.name for c in REGISTERED for f in c.fields if f.secret}
    given = {k.removeprefix("field_"): v for k, v in fields.items() if v is not None}
    added = AddAccount(
        None,
        key=key,
        name=name,
        settings={k: v for k, v in given.items() if k not in secret},
        secrets={k: read_secret(v, f"--{k}-file") for k, v in given.items() if k in secret},
        as_operator=True,
    ).run()
    connector = CONNECTORS[added.platform]
    nothing_to_check = connector.local or not connector.reads
    return {"account": str(added)}, (
        f"account {added} added"
        + ("" if nothing_to_check else f"; check it with `amends account check {added}`")
    )


@account.command("check")
@click.argument("key", metavar="ACCOUNT")
@command
def account_check(key):
    """Prove that an account's credentials work, and learn the platform's own settings (the
    instance's length limit on Mastodon, for example).

    Example: amends account check bluesky:police.bsky.social
    """
    from amends.actions import CheckAccount

    checked = CheckAccount(None, account=key, as_operator=True).run()
    learnt = ", ".join(f"{k} {v}" for k, v in sorted(checked.settings.items()) if k != "server")
    return {"account": str(checked), "settings": checked.settings}, (
        f"account {checked} works" + (f" ({learnt})" if learnt else "")
    )


@account.command("list")
@command
def account_list():
    """List the accounts, with their platforms and servers (never their credentials).

    Example: amends account list
    """
    from amends.desk.models import Account

    rows = [
        {"account": str(a), "name": a.name, "server": a.settings.get("server", "")}
        for a in Account.objects.order_by("platform", "handle")
    ]
    lines = [f"{r['account']}\t{r['name']}\t{r['server']}".rstrip() for r in rows]
    return {"accounts": rows}, "\n".join(lines) or "no accounts yet"


COMMANDS = {"account": account}
