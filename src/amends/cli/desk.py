"""The desk's commands: users, accounts, posts, corrections, apologies, deletions, incidents,
holds, history and sealed originals. Each builds one action and prints its result."""

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


@account.command("add")
@click.argument("key", metavar="PLATFORM:HANDLE")
@click.option("--name", default="", help="A display name, e.g. 'Example Police news'.")
@click.option("--server", default=None, help="The platform's URL (PDS, instance, site).")
@click.option("--user", "user_name", default=None, help="The user name (WordPress).")
@click.option("--page", default=None, help="The Page id (Facebook).")
@click.option(
    "--password-file",
    type=click.File("r"),
    default=None,
    help="Read the (app or application) password from this file.",
)
@click.option(
    "--token-file", type=click.File("r"), default=None, help="Read an access token from this file."
)
@command
def account_add(key, name, server, user_name, page, password_file, token_file):
    """Add an account: the force's own site (house:HANDLE) or an account on a platform, with
    its credentials. Passwords and tokens are read from files, stored encrypted, never shown.
    Each platform asks for its own: bluesky --server --password-file (an app password);
    mastodon --server --token-file; wordpress --server --user --password-file (an application
    password); x --token-file; facebook --page --token-file (a Page token).

    Example: amends account add bluesky:police.bsky.social --server https://bsky.social
    --password-file app-password.txt
    """
    from amends.actions import AddAccount

    settings = {"server": server, "user": user_name, "page": page}
    secrets = {
        "password": read_secret(password_file, "--password-file"),
        "token": read_secret(token_file, "--token-file"),
    }
    added = AddAccount(
        None,
        key=key,
        name=name,
        settings={k: v for k, v in settings.items() if v is not None},
        secrets={k: v for k, v in secrets.items() if v is not None},
        as_operator=True,
    ).run()
    from amends.connectors import CONNECTORS

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
@click.argument("post_id", metavar="POST")
@click.option("--text", required=True, help="The full corrected wording (- reads stdin).")
@click.option("--reason", required=True, help="What was wrong, for the public correction note.")
@click.option("--anyway", is_flag=True, help="Publish despite the tone guard (recorded).")
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
def correct(post_id, text, reason, anyway, as_reply, as_quote, plan, as_user):
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
@click.option("--anyway", is_flag=True, help="Publish despite errors (recorded).")
@as_option
@command
def apologise(post_id, text, check, anyway, as_user):
    """Apologise on the post's own channel. The apology checker reports errors (which block)
    and warnings.

    Example: amends apologise 12 --text "Sorry: the date we gave was wrong." --as alice --check
    """
    from amends.actions import Apologise

    text = _text(text)
    warn_personal(text)
    action = Apologise(_user(as_user), post=post_id, text=text, check=check, anyway=anyway)
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
@click.option("--anyway", is_flag=True, help="Reply despite the budget or a closed incident.")
@as_option
@command
def reply(post_id, text, anyway, as_user):
    """Reply about a post. Refused once its incident is closed or its budget is spent.

    Example: amends reply 12 --text "Thank you, we have corrected the date." --as alice
    """
    from amends.actions import Reply

    text = _text(text)
    warn_personal(text)
    published = Reply(_user(as_user), post=post_id, text=text, anyway=anyway).run()
    return {"post": published.pk}, f"reply {published.pk} published"


@click.command()
@click.argument("post_id", metavar="POST")
@click.option("--ground", required=True, help="A ground from policy: illegal, offensive, ...")
@click.option("--explain", required=True, help="The public explanation (never the content).")
@as_option
@command
def delete(post_id, ground, explain, as_user):
    """Request a deletion, the last resort. A supervisor other than you must approve it.

    Example: amends delete 12 --ground prejudicial --explain "It named a suspect." --as alice
    """
    from amends.actions import RequestDeletion

    deletion = RequestDeletion(
        _user(as_user), post=post_id, ground=ground, explanation=explain
    ).run()
    return {"deletion": deletion.pk, "status": deletion.status}, (
        f"deletion {deletion.pk} requested; it waits for a supervisor"
    )


@click.command()
@click.argument("deletion_id", metavar="DELETION")
@as_option
@command
def approve(deletion_id, as_user):
    """Approve a deletion: the post's page becomes a public notice and the original is sealed.

    Example: amends approve 3 --as sam
    """
    from amends.actions import ApproveDeletion

    deletion = ApproveDeletion(_user(as_user), deletion=deletion_id).run()
    return {"deletion": deletion.pk, "status": deletion.status}, (
        f"deletion {deletion.pk} done; post {deletion.post_id} removed and sealed"
    )


@click.command()
@click.argument("deletion_id", metavar="DELETION")
@click.option("--reason", required=True, help="Why the deletion is rejected.")
@as_option
@command
def reject(deletion_id, reason, as_user):
    """Reject a deletion request, with a reason.

    Example: amends reject 3 --reason "A correction is enough." --as sam
    """
    from amends.actions import RejectDeletion

    deletion = RejectDeletion(_user(as_user), deletion=deletion_id, reason=reason).run()
    return {"deletion": deletion.pk, "status": deletion.status}, f"deletion {deletion.pk} rejected"


@click.group()
def incident():
    """Open, follow and close incidents."""


@incident.command("open")
@click.argument("post_id", metavar="POST")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(["fact", "tone", "harmful"]),
    help="What went wrong: a wrong fact or wording; a tone or humour misjudgement; harmful "
    "content (personal data, someone who must not be identified, prejudicial, offensive or "
    "illegal), which is taken down, never corrected.",
)
@click.option("--severity", required=True, type=click.Choice(["minor", "serious", "critical"]))
@click.option("--summary", required=True, help="What went wrong, for the team.")
@as_option
@command
def incident_open(post_id, kind, severity, summary, as_user):
    """Open an incident on a post that went wrong.

    Example: amends incident open 12 --kind fact --severity minor --summary "Wrong date" --as alice
    """
    from amends.actions import OpenIncident

    opened = OpenIncident(
        _user(as_user), post=post_id, kind=kind, severity=severity, summary=summary
    ).run()
    return {"incident": opened.pk}, f"incident {opened.pk} opened"


@incident.command("list")
@click.option("--open", "only_open", is_flag=True, help="Only the incidents still open.")
@command
def incident_list(only_open):
    """List incidents, newest first: number, post, what went wrong, severity, open or closed,
    and the summary.

    Example: amends incident list --open
    """
    from amends.desk.models import Incident

    found = Incident.objects.order_by("-pk")
    if only_open:
        found = found.filter(closed_at__isnull=True)
    rows = [i.as_json() for i in found]
    lines = [
        f"incident {r['incident']}\tpost {r['post']}\t{r['kind']}\t{r['severity']}\t"
        f"{r['status']}\t{r['summary']}"
        for r in rows
    ]
    return {"incidents": rows}, "\n".join(lines) or "no incidents"


@incident.command("show")
@click.argument("incident_id", metavar="INCIDENT")
@command
def incident_show(incident_id):
    """Show an incident: the five steps, the response budget, the timeline.

    Example: amends incident show 4 --json
    """
    from amends.desk.reports import incident_report

    report = incident_report(incident_id)
    lines = [f"incident {report['incident']} ({report['severity']}, {report['status']})"]
    lines += [f"  {s['step']}: {s['status']}" for s in report["steps"]]
    lines.append(f"  budget: {report['budget']['used']} of {report['budget']['limit']}")
    return report, "\n".join(lines)


@incident.command("close")
@click.argument("incident_id", metavar="INCIDENT")
@click.option("--statement", required=True, help="The final statement (- reads stdin).")
@as_option
@command
def incident_close(incident_id, statement, as_user):
    """Move on: close the incident with a final statement.

    Example: amends incident close 4 --statement "We have corrected the date." --as sam
    """
    from amends.actions import CloseIncident

    closed = CloseIncident(_user(as_user), incident=incident_id, statement=_text(statement)).run()
    return {"incident": closed.pk, "status": "closed", "statement": closed.statement_id}, (
        f"incident {closed.pk} closed"
    )


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
    "correct": correct,
    "apologise": apologise,
    "reply": reply,
    "delete": delete,
    "approve": approve,
    "reject": reject,
    "incident": incident,
    "hold": hold,
    "history": history,
    "unseal": unseal,
    "site": site,
}
