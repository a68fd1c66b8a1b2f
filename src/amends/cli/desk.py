"""The desk's commands: posts, adoption, corrections, apologies, replies, holds, history,
sealed originals and the site. Each builds one action and prints its result."""

import click

from amends.cli import command
from amends.cli.options import as_option, needs_reason, text_or_stdin, user_named, warn_personal


def _url(post) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL}/posts/{post.pk}/"


@click.command()
@click.argument("account_key", metavar="ACCOUNT")
@click.option("--text", required=True, help="The wording (- reads standard input).")
@click.option(
    "--language",
    type=click.Choice(["en", "cy"]),
    default="en",
    show_default=True,
    help="The language of --text: en (English) or cy (Welsh).",
)
@click.option(
    "--twin-text",
    default="",
    help="The same message in the other language, published with it as a bilingual pair.",
)
@click.option(
    "--twin-account",
    default="",
    help="Publish --twin-text on this account (PLATFORM:HANDLE), for forces with one account "
    "per language; default: the same account.",
)
@as_option
@command
def post(account_key, text, language, twin_text, twin_account, as_user):
    """Publish a post. Its exact wording is sealed into the record as it is published.

    Example: amends post house:news --text "Appeal closes on 4 May." --as alice

    A bilingual pair (English and Welsh), published together:

    amends post house:news --text "Appeal closes on 4 May." --twin-text "Mae'r apêl yn cau ar 4
    Mai." --as alice
    """
    from amends.actions import Publish

    text = text_or_stdin(text)
    warn_personal(text)
    published = Publish(
        user_named(as_user),
        account=account_key,
        text=text,
        language=language,
        twin_text=twin_text,
        twin_account=twin_account,
    ).run()
    payload = {"post": published.pk, "url": _url(published)}
    said = f"post {published.pk}: {_url(published)}"
    if published.pair_id:
        payload["twin"] = published.pair_id
        said += f"\ntwin post {published.pair_id}: {_url(published.pair)}"
    return payload, said


@click.command()
@click.argument("url")
@click.option(
    "--wording",
    default="",
    help="The post's words as they stand (- reads stdin), for a platform Amends cannot read "
    "(Nextdoor).",
)
@as_option
@command
def adopt(url, wording, as_user):
    """Bring in a post made outside Amends (in the platform's own app, or a scheduling suite)
    from its link, so the five steps reach it: Amends finds the connected account it belongs
    to and captures its exact wording now. Adopting it again gives the same post.

    Example: amends adopt https://bsky.app/profile/police.bsky.social/post/3kq2abc --as alice
    """
    from amends.actions import AdoptPost

    action = AdoptPost(user_named(as_user), url=url, wording=text_or_stdin(wording))
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

    text = text_or_stdin(text)
    warn_personal(text)
    action = Correct(
        user_named(as_user),
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

    needs_reason(anyway and not check, reason)
    text = text_or_stdin(text)
    warn_personal(text)
    action = Apologise(
        user_named(as_user),
        post=post_id,
        text=text,
        check=check,
        anyway=anyway,
        override_reason=reason,
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

    needs_reason(anyway, reason)
    text = text_or_stdin(text)
    warn_personal(text)
    published = Reply(
        user_named(as_user), post=post_id, text=text, anyway=anyway, override_reason=reason
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

    placed = PlaceHold(user_named(as_user), post=post_id, reference=reference).run()
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

    released = ReleaseHold(user_named(as_user), hold=hold_id).run()
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

    texts = Unseal(user_named(as_user), post=post_id, purpose=purpose, reference=reference).run()
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
