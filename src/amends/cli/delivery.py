"""Delivery commands: the worker, the watch for outside changes, and the outbox."""

import click

from amends.cli import command, one_line_errors, refuse_a_rollback, setup_django
from amends.cli.options import as_option, user_named


@click.command()
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
@click.option("--name", default=None, help="A name for this worker in the attempt rows.")
def worker(once, name):
    """Deliver posts, corrections, apologies and deletion notices to the platforms.

    Runs until stopped (SIGTERM or Ctrl-C finish the delivery in hand first). Any number of
    workers can run side by side on PostgreSQL. Also checks recently active posts for changes
    made outside the desk every AMENDS_WATCH_MINUTES.

    Example: amends worker
    """
    with one_line_errors():
        setup_django()
        from amends.delivery.worker import Worker

        refuse_a_rollback()

        runner = Worker(name)
        if not once:
            click.echo(f"worker {runner.name} delivering (Ctrl-C to stop)")
        tally = runner.run(once=once)
    click.echo(f"worker {runner.name}: {tally}")


@click.command()
@command
def watch():
    """Compare every recently active post with its platform now, and record any edit or
    deletion made there outside the desk.

    Example: amends watch
    """
    from amends.delivery import watch as outside
    from amends.delivery.worker import Worker

    found = outside.check(Worker("watch"))
    rows = [{"post": c.post_id, "kind": c.kind, "entry": c.seq} for c in found]
    lines = [f"post {r['post']} {r['kind']} outside Amends (entry {r['entry']})" for r in rows]
    return {"changes": rows}, "\n".join(lines) or "no changes made outside Amends"


@click.group()
def delivery():
    """See and retry deliveries to the platforms."""


@delivery.command("list")
@click.option(
    "--status",
    type=click.Choice(["pending", "sending", "done", "failed", "cancelled"]),
    default=None,
    help="Only deliveries with this status.",
)
@click.option("--post", "post_id", type=int, default=None, help="Only deliveries of this post.")
@command
def delivery_list(status, post_id):
    """List deliveries, newest first, with their status and last error.

    Example: amends delivery list --status failed
    """
    from amends.delivery.models import Delivery

    rows = Delivery.objects.select_related("account").order_by("-pk")
    if status:
        rows = rows.filter(status=status)
    if post_id is not None:
        rows = rows.filter(post_id=post_id)
    found = [
        {
            "delivery": d.pk,
            "post": d.post_id,
            "account": str(d.account),
            "op": d.op,
            "status": d.status,
            "tries": d.tries,
            "url": d.remote_url,
            "error": d.error,
            "by_hand": d.by_hand,  # a person does it in the platform's app: error says what
        }
        for d in rows[:200]
    ]
    lines = [
        f"{r['delivery']}\t{r['op']}\tpost {r['post']}\t{r['account']}\t{r['status']}"
        + (f"\t{r['url']}" if r["url"] else "")
        + (f"\t{r['error']}" if r["error"] and r["status"] != "done" else "")
        for r in found
    ]
    return {"deliveries": found}, "\n".join(lines) or "no deliveries"


@delivery.command("retry")
@click.argument("delivery_id", metavar="DELIVERY")
@as_option
@command
def delivery_retry(delivery_id, as_user):
    """Send a failed delivery again (a supervisor or an admin).

    Example: amends delivery retry 7 --as sam
    """
    from amends.actions import RetryDelivery

    again = RetryDelivery(user_named(as_user), delivery=delivery_id).run()
    return {"delivery": again.pk, "status": again.status}, f"delivery {again.pk} will be sent again"


@delivery.command("done")
@click.argument("delivery_id", metavar="DELIVERY")
@click.option("--note", default="", help="What you did, in a few words (kept in the record).")
@click.option(
    "--screenshot",
    type=click.File("rb"),
    default=None,
    help="A PNG or JPEG picture of the result, kept in the record.",
)
@as_option
@command
def delivery_done(delivery_id, note, screenshot, as_user):
    """Say you did by hand, in the platform's own app, a step its API cannot take (an
    Instagram caption edited, a post deleted there): the delivery is done. `amends delivery
    list --status pending` shows what waits, and says what to do.

    Example: amends delivery done 12 --screenshot caption.png --as alice
    """
    from amends.actions import ConfirmByHand

    done = ConfirmByHand(
        user_named(as_user),
        delivery=delivery_id,
        note=note,
        screenshot=screenshot.read() if screenshot else None,
    ).run()
    return {"delivery": done.pk, "status": done.status}, f"delivery {done.pk} is done"


COMMANDS = {"worker": worker, "watch": watch, "delivery": delivery}
