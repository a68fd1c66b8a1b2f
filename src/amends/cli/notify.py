"""Telling the people on call: each person's channels, a test message, the on-call rota."""

import click

from amends.cli import command
from amends.cli.options import as_option, user_named


@click.group()
def notify():
    """How you are told when something needs you (email, Teams, Slack)."""


@notify.command("test")
@as_option
@command
def notify_test(as_user):
    """Send a test message on each of your channels, and say how each went.

    Example: amends notify test --as sam
    """
    from amends.actions import SendTest

    sent = SendTest(user_named(as_user)).run()
    rows = [{"channel": n.channel, "ok": n.ok, "error": n.error or None} for n in sent]
    lines = [
        f"{r['channel']}: {'sent' if r['ok'] else 'not sent: ' + (r['error'] or '')}" for r in rows
    ]
    return {"sent": rows}, "\n".join(lines) or (
        "you have no channels; add one with `amends notify channel add email ADDRESS --as "
        f"{as_user}`"
    )


@notify.group("channel")
def channel():
    """Add, list and remove your channels."""


@channel.command("add")
@click.argument("kind", type=click.Choice(["email", "teams", "slack"]))
@click.argument("address")
@as_option
@command
def channel_add(kind, address, as_user):
    """Add a channel: an email address, or the address of a Microsoft Teams Workflows or a
    Slack incoming webhook (https).

    Example: amends notify channel add email sam@police.uk --as sam
    """
    from amends.actions import AddChannel

    added = AddChannel(user_named(as_user), kind=kind, address=address).run()
    return {"channel": added.pk, "kind": added.kind}, f"channel {added.pk} added ({added})"


@channel.command("list")
@as_option
@command
def channel_list(as_user):
    """List your channels (a webhook's address is a secret: only its host is shown).

    Example: amends notify channel list --as sam
    """
    from amends.notify.models import Channel

    rows = [
        {"channel": c.pk, "kind": c.kind, "address": c.shown}
        for c in Channel.objects.filter(user=user_named(as_user)).order_by("pk")
    ]
    lines = [f"channel {r['channel']}\t{r['kind']}\t{r['address']}" for r in rows]
    return {"channels": rows}, "\n".join(lines) or "no channels"


@channel.command("remove")
@click.argument("channel_id", metavar="CHANNEL")
@as_option
@command
def channel_remove(channel_id, as_user):
    """Remove one of your channels.

    Example: amends notify channel remove 2 --as sam
    """
    from amends.actions import RemoveChannel

    removed = RemoveChannel(user_named(as_user), channel=channel_id).run()
    return {"channel": int(channel_id), "kind": removed.kind}, f"channel {channel_id} removed"


@click.group()
def rota():
    """Who is on call, and in which order they are told."""


@rota.command("add")
@click.argument("user_name", metavar="USER")
@click.option(
    "--from", "starts", required=True, help="When the shift starts, e.g. 2026-12-04T22:00."
)
@click.option("--to", "ends", required=True, help="When it ends, e.g. 2026-12-05T07:00.")
@click.option(
    "--position",
    type=click.IntRange(1, 99),
    default=1,
    show_default=True,
    help="The order: 1 is told first; the next is told if nobody acts.",
)
@as_option
@command
def rota_add(user_name, starts, ends, position, as_user):
    """Put someone on call (supervisors and admins). Times without a zone are the force's own
    (AMENDS_TIME_ZONE).

    Example: amends rota add sally --from 2026-12-04T22:00 --to 2026-12-05T07:00 --as sam
    """
    from amends.actions import AddShift

    shift = AddShift(
        user_named(as_user), user=user_name, starts=starts, ends=ends, position=position
    ).run()
    return {"shift": shift.pk}, f"shift {shift.pk} added: {shift}"


@rota.command("list")
@command
def rota_list():
    """List the shifts that have not ended, soonest first.

    Example: amends rota list
    """
    from amends.clock import now
    from amends.notify.models import Shift

    shifts = Shift.objects.filter(ends__gt=now()).select_related("user").order_by("starts")
    rows = [
        {
            "shift": s.pk,
            "user": s.user.username,
            "from": s.starts.isoformat(),
            "to": s.ends.isoformat(),
            "position": s.position,
        }
        for s in shifts
    ]
    lines = [
        f"shift {r['shift']}\t{r['user']}\t{r['from']}\t{r['to']}\t{r['position']}" for r in rows
    ]
    return {"shifts": rows}, "\n".join(lines) or "nobody is on the rota"


@rota.command("remove")
@click.argument("shift_id", metavar="SHIFT")
@as_option
@command
def rota_remove(shift_id, as_user):
    """Take a shift off the rota.

    Example: amends rota remove 3 --as sam
    """
    from amends.actions import RemoveShift

    RemoveShift(user_named(as_user), shift=shift_id).run()
    return {"shift": int(shift_id)}, f"shift {shift_id} removed"


COMMANDS = {"notify": notify, "rota": rota}
