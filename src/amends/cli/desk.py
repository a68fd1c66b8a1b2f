"""The desk's commands: accounts, posts, corrections, apologies, replies, holds, history
and sealed originals. Each builds one action and prints its result."""

import sys

import click

from amends.cli import command, read_secret


def _user(name: str | None):
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


def _text(value: str) -> str:
    """``--text -`` reads the text from standard input."""
    return sys.stdin.read() if value == "-" else value


def warn_personal(text: object) -> None:
    """Say on stderr what in ``text`` looks like personal data (a warning: nothing is refused)."""
    from amends.text import personal

    if isinstance(text, str):
        for finding in personal.find(text):
            click.echo(f"warning: text: {finding.message}", err=True)


def _needs_reason(anyway: bool, reason: str) -> None:
    if anyway and not reason.strip():
        raise click.UsageError("--anyway needs --reason: say why you override the checker")


def as_option(func):
    return click.option(
        "--as", "as_user", required=True, metavar="USER", help="The person acting (a user name)."
    )(func)


def _url(post) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}/posts/{post.pk}/"


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
    local = CONNECTORS[added.platform].local
    return {"account": str(added)}, (
        f"account {added} added"
        + ("" if local else f"; check it with `amends account check {added}`")
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


@click.command()
@click.argument("account_key", metavar="ACCOUNT")
@click.option("--text", required=True, help="The wording (- reads standard input).")
@as_option
@command
def post(account_key, text, as_user):
    """Publish a post. Its exact wording is sealed into the record as it is published.

    Example: amends post house:news --text "Appeal closes on 4 May." --as alice
    """
    from amends.actions import Publish

    text = _text(text)
    warn_personal(text)
    published = Publish(_user(as_user), account=account_key, text=text).run()
    return {"post": published.pk, "url": _url(published)}, f"post {published.pk}: {_url(published)}"


@click.command()
@click.argument("url")
@as_option
@command
def adopt(url, as_user):
    """Bring in a post made outside Amends (in the platform's own app, or a scheduling suite)
    from its link, so the five steps reach it: Amends finds the connected account it belongs
    to and captures its exact wording now. Adopting it again gives the same post.

    Example: amends adopt https://bsky.app/profile/police.bsky.social/post/3kq2abc --as alice
    """
    from amends.actions import AdoptPost

    action = AdoptPost(_user(as_user), url=url)
    post = action.run()
    said = "already known as" if action.again else "adopted as"
    return {"post": post.pk, "account": str(post.account), "adopted": not action.again}, (
        f"{said} post {post.pk} on {post.account}: {_url(post)}"
    )


@click.command()
@click.argument("post_id", metavar="POST")
@click.option("--text", required=True, help="The full corrected wording (- reads stdin).")
@click.option("--reason", required=True, help="What was wrong, for the public correction note.")
@click.option(
    "--anyway",
    is_flag=True,
    help="Publish despite the tone guard (recorded with --rationale, else --reason, as why).",
)
@click.option(
    "--rationale",
    default="",
    help="Why you correct it this way, for the record (never published); with --anyway, why "
    "you override the tone guard.",
)
@click.option(
    "--as-reply", is_flag=True, help="Send the correction as a reply even where editing is allowed."
)
@click.option(
    "--as-quote",
    is_flag=True,
    help="Send the correction as a new post quoting the wrong one (Bluesky, X).",
)
@click.option("--plan", is_flag=True, help="Only show how the correction would be sent.")
@as_option
@command
def correct(post_id, text, reason, anyway, rationale, as_reply, as_quote, plan, as_user):
    """Correct a post visibly: the wrong words struck through beside the right ones, with a
    dated note and the reason. The original wording is kept.

    Example: amends correct 12 --text "Appeal closes on 14 May." --reason "Wrong date" --as alice
    """
    from amends.actions import Correct

    text = _text(text)
    warn_personal(text)
    action = Correct(
        _user(as_user),
        post=post_id,
        text=text,
        reason=reason,
        anyway=anyway,
        rationale=rationale,
        as_reply=as_reply,
        as_quote=as_quote,
        plan_only=plan,
    )
    revision = action.run()
    how = action.plan
    said = how.as_json()
    if plan:
        return {"plan": said}, f"{how.why}:\n{how.text}"
    return {"post": revision.post_id, "revision": revision.n, "plan": said}, (
        f"post {revision.post_id} corrected (revision {revision.n}); {how.why}"
    )


@click.command()
@click.argument("post_id", metavar="POST")
@click.option("--text", required=True, help="The apology (- reads standard input).")
@click.option("--check", is_flag=True, help="Only check the wording; publish nothing.")
@click.option("--anyway", is_flag=True, help="Publish despite errors (needs --reason; recorded).")
@click.option("--reason", default="", help="With --anyway: why you override the checker.")
@as_option
@command
def apologise(post_id, text, check, anyway, reason, as_user):
    """Apologise on the post's own channel. The apology checker reports errors (which block)
    and warnings.

    Example: amends apologise 12 --text "Sorry: the date we gave was wrong." --as alice --check
    """
    from amends.actions import Apologise

    _needs_reason(anyway and not check, reason)
    text = _text(text)
    warn_personal(text)
    action = Apologise(
        _user(as_user), post=post_id, text=text, check=check, anyway=anyway, override_reason=reason
    )
    published = action.run()
    findings = [f.as_json() for f in action.findings]
    lines = [f"{f['severity']}: {f['message']}" for f in findings]
    head = f"apology {published.pk} published" if published else "checked; nothing published"
    return {"post": published.pk if published else None, "findings": findings}, "\n".join(
        [head, *lines]
    )


@click.command()
@click.argument("post_id", metavar="POST")
@click.option("--text", required=True, help="The reply (- reads standard input).")
@click.option(
    "--anyway",
    is_flag=True,
    help="Reply despite the budget, a closed incident or the tone guard (needs --reason).",
)
@click.option("--reason", default="", help="With --anyway: why you override the checker.")
@as_option
@command
def reply(post_id, text, anyway, reason, as_user):
    """Reply about a post. Refused once its incident is closed or its budget is spent.

    Example: amends reply 12 --text "Thank you, we have corrected the date." --as alice
    """
    from amends.actions import Reply

    _needs_reason(anyway, reason)
    text = _text(text)
    warn_personal(text)
    published = Reply(
        _user(as_user), post=post_id, text=text, anyway=anyway, override_reason=reason
    ).run()
    return {"post": published.pk}, f"reply {published.pk} published"


@click.group()
def hold():
    """Place and release holds (complaints, FOI requests, case references)."""


@hold.command("place")
@click.argument("post_id", metavar="POST")
@click.option("--reference", required=True, help="The complaint, FOI or case reference.")
@as_option
@command
def hold_place(post_id, reference, as_user):
    """Place a hold: nothing about the post may be deleted or destroyed while it stands.

    Example: amends hold place 12 --reference FOI/2026/0042 --as fiona
    """
    from amends.actions import PlaceHold

    placed = PlaceHold(_user(as_user), post=post_id, reference=reference).run()
    return {"hold": placed.pk}, f"hold {placed.pk} placed"


@hold.command("release")
@click.argument("hold_id", metavar="HOLD")
@as_option
@command
def hold_release(hold_id, as_user):
    """Release a hold.

    Example: amends hold release 2 --as fiona
    """
    from amends.actions import ReleaseHold

    released = ReleaseHold(_user(as_user), hold=hold_id).run()
    return {"hold": released.pk, "status": "released"}, f"hold {released.pk} released"


@click.command()
@click.argument("post_id", metavar="POST")
@command
def history(post_id):
    """Show a post's status and every revision; sealed wording is not shown.

    Example: amends history 12 --json
    """
    from amends.desk.reports import post_history

    report = post_history(post_id)
    lines = [f"post {report['post']}: {report['status']}"]
    for r in report["revisions"]:
        shown = "[sealed]" if r.get("sealed") else r["text"]
        lines.append(f"  {r['n']} {r['at']} {r['by']}: {shown}")
    return report, "\n".join(lines)


@click.command()
@click.argument("post_id", metavar="POST")
@click.option("--purpose", required=True, help="Why you need the original.")
@click.option("--reference", required=True, help="The complaint, FOI or case reference.")
@as_option
@command
def unseal(post_id, purpose, reference, as_user):
    """Print a post's exact original wording (auditors only). The access is recorded first.

    Example: amends unseal 12 --purpose "Complaint review" --reference CO/2026/17 --as fiona
    """
    from amends.actions import Unseal

    texts = Unseal(_user(as_user), post=post_id, purpose=purpose, reference=reference).run()
    payload = {"post": int(post_id), "revisions": [{"n": n, "text": t} for n, t in texts.items()]}
    return payload, texts[1]


@click.group()
def site():
    """The public site."""


@site.command("render")
@command
def site_render():
    """Render every public page again (after an upgrade, or into a new AMENDS_SITE_DIR).

    Example: amends site render
    """
    from django.conf import settings

    from amends.site.render import render_all

    count = render_all()
    return {"posts": count, "dir": str(settings.SITE_DIR)}, (
        f"{count} posts rendered into {settings.SITE_DIR}"
    )


COMMANDS = {
    "account": account,
    "post": post,
    "adopt": adopt,
    "correct": correct,
    "apologise": apologise,
    "reply": reply,
    "hold": hold,
    "history": history,
    "unseal": unseal,
    "site": site,
}
