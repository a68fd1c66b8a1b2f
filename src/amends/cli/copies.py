"""Copies of posts out in the world: the register, and recognising words found elsewhere."""

import click

from amends.cli import Failed, command
from amends.cli.options import as_option, user_named


class _PostOrCommand(click.Group):
    """``amends copies POST`` shows a post's register; ``amends copies match FILE`` and the
    others are commands of their own."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_PostOrCommand)
def copies():
    """Copies of a post found out in the world: `amends copies POST` lists them; `match`
    names the post and revision some words (or a screenshot) come from."""


@copies.command("show")
@click.argument("post", metavar="POST")
@command
def copies_show(post):
    """List the known copies of POST: where, how found, which revision each shows, and whether
    that revision has since been corrected or taken down (the copy still shows the error).

    Example: amends copies 12 --json
    """
    from amends.copies.register import copies_of
    from amends.desk.lookups import get
    from amends.desk.models import Post

    found = get(Post, post, "post")
    listed = copies_of(found)
    lines = [
        f"{c['id']}\t{c['url']}\tfound by {c['found_by']}\trevision {c['revision']}"
        + ("\tSHOWS THE ERROR" if c["shows_error"] else "")
        + ("\tgone" if c["gone_at"] else "")
        for c in listed
    ]
    return {"post": found.pk, "copies": listed}, "\n".join(
        lines
    ) or f"no copies of post {found.pk} known"


@copies.command("match")
@click.argument("file", metavar="IMAGE_OR_TEXT_FILE", type=click.Path(dir_okay=False))
@command
def copies_match(file):
    """Name the posts, and the revision of each, that the words in a text file or a screenshot
    (PNG, JPEG; read with Tesseract OCR in English and Welsh) most likely come from, best first,
    for a person to confirm. Nothing is recorded.

    Example: amends copies match screenshot.png --json
    """
    from amends.copies.matching import match
    from amends.copies.reading import words_in

    try:
        with open(file, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise Failed(f"{file}: cannot be read ({error.strerror})") from None
    words = words_in(data, file)
    found = [m.as_json() for m in match(words)]
    lines = [
        f"post {m['post']}\trevision {m['revision']}\tscore {m['score']:.2f}"
        + ("\tshows an error since corrected or removed" if m["shows_error"] else "")
        for m in found
    ]
    return {"matches": found}, "\n".join(lines) or "no post matches"


@copies.command("add")
@click.argument("post", metavar="POST")
@click.argument("url")
@click.option(
    "--found-by",
    required=True,
    type=click.Choice(
        ["webmention", "pingback", "quote", "repost", "reply", "archive", "screenshot", "text"]
    ),
    help="How the copy was found.",
)
@click.option(
    "--revision",
    type=click.IntRange(1),
    default=None,
    help="The revision it shows (default: the latest).",
)
@click.option("--note", default="", help="Anything a colleague should know about it.")
@as_option
@command
def copies_add(post, url, found_by, revision, note, as_user):
    """Record a copy of POST found at URL (copy.found in the record).

    Example: amends copies add 12 https://forum.example/t/9 --found-by text --revision 1 --as alice
    """
    from amends.actions import RecordCopy
    from amends.copies.register import copies_of

    added = RecordCopy(
        user_named(as_user), post=post, url=url, found_by=found_by, revision=revision, note=note
    ).run()
    [shown] = [c for c in copies_of(added.post) if c["id"] == added.pk]
    return shown, f"copy {added.pk} of post {added.post_id} recorded"


@copies.command("gone")
@click.argument("copy_id", metavar="COPY")
@as_option
@command
def copies_gone(copy_id, as_user):
    """Record that a copy no longer shows the post (copy.gone in the record).

    Example: amends copies gone 3 --as alice
    """
    from amends.actions import CopyGone

    gone = CopyGone(user_named(as_user), copy=copy_id).run()
    return {"id": gone.pk, "gone_at": gone.gone_at.isoformat()}, f"copy {gone.pk} recorded as gone"


@copies.command("notify")
@click.argument("copy_id", metavar="COPY")
@click.option(
    "--anyway",
    is_flag=True,
    help="Tell them although the incident's response budget is spent or it is closed "
    "(needs --reason; recorded).",
)
@click.option("--reason", default="", help="With --anyway: why, for the record.")
@as_option
@command
def copies_notify(copy_id, anyway, reason, as_user):
    """Tell the place COPY is that the post was put right: a Webmention from the post's page
    to a web page, or (for a quote, repost or reply on a platform) record the reply with the
    correction made there. Counts against the incident's response budget (copy.notified).

    Example: amends copies notify 3 --as alice
    """
    from amends.actions import NotifyCopy

    told = NotifyCopy(
        user_named(as_user), copy=copy_id, anyway=anyway, override_reason=reason
    ).run()
    return (
        {"id": told.pk, "notified_at": told.notified_at.isoformat()},
        f"copy {told.pk}: its owner is told of the correction (counted against the budget)",
    )


class _IncidentOrCommand(click.Group):
    """``amends inbox INCIDENT`` lists it; ``amends inbox handled MENTION`` marks one."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_IncidentOrCommand)
def inbox():
    """What the public said about an incident's posts: `amends inbox INCIDENT` lists what no one
    has handled yet; `handled` marks one."""


@inbox.command("show")
@click.argument("incident", metavar="INCIDENT")
@click.option("--all", "everything", is_flag=True, help="Include what was already handled.")
@command
def inbox_show(incident, everything):
    """List the replies, quotes, reposts and mentions of INCIDENT's posts, newest first.

    Example: amends inbox 3 --json
    """
    from amends.copies.inbox import as_json
    from amends.copies.inbox import inbox as listed
    from amends.desk.lookups import get
    from amends.desk.models import Incident

    found = get(Incident, incident, "incident")
    mentions = [as_json(m) for m in listed(found, handled=everything)]
    lines = [
        f"{m['id']}\t{m['kind']}\t{m['at']}\t{m['author']}\t{m['text'][:60]}\t{m['url']}"
        + ("\thandled" if m["handled_at"] else "")
        for m in mentions
    ]
    return {"incident": found.pk, "mentions": mentions}, "\n".join(
        lines
    ) or f"nothing waiting in the inbox of incident {found.pk}"


@inbox.command("handled")
@click.argument("mention", metavar="MENTION")
@as_option
@command
def inbox_handled(mention, as_user):
    """Mark MENTION as handled: it leaves the inbox.

    Example: amends inbox handled 41 --as alice
    """
    from amends.actions import HandleMention
    from amends.copies.inbox import as_json

    done = HandleMention(user_named(as_user), mention=mention).run()
    return as_json(done), f"mention {done.pk} handled"


@click.command()
@click.argument("incident", metavar="INCIDENT")
@command
def conversation(incident):
    """The public's replies, quotes, reposts and mentions of an incident's posts, hour by
    hour, with the busiest hour, how far activity has fallen since, and what that says about
    answering again.

    Example: amends conversation 3 --json
    """
    from amends.copies.conversation import as_json
    from amends.desk.lookups import get
    from amends.desk.models import Incident

    payload = as_json(get(Incident, incident, "incident"))
    lines = [
        f"{h['hour'][:13].replace('T', ' ')}:00\treplies {h['replies']}\tquotes {h['quotes']}"
        f"\treposts {h['reposts']}\tmentions {h['mentions']}"
        for h in payload["per_hour"]
        if h["replies"] + h["quotes"] + h["reposts"] + h["mentions"]
    ]
    return payload, "\n".join([*lines, payload["advice"]])


COMMANDS = {"copies": copies, "conversation": conversation, "inbox": inbox}
