"""Taking posts down: a deletion request and a second person's decision, the urgent removal
a supervisor makes at once and its review afterwards, and the kill switch on all sending."""

import click

from amends.cli import command
from amends.cli.options import as_option, user_named

rationale_option = click.option(
    "--rationale",
    required=True,
    help="Why you decided this, for the record and the evidence report (never published).",
)


def _ground_option(func):
    return click.option(
        "--ground",
        required=True,
        help="A ground from policy (AMENDS_DELETION_GROUNDS); by default illegal, offensive, "
        "prejudicial, personal_data or identified_person.",
    )(func)


def _explain_option(func):
    return click.option(
        "--explain", required=True, help="The public explanation (never the content)."
    )(func)


def _out(deletion) -> dict:
    return deletion.as_json()


def _everywhere_option(func):
    return click.option(
        "--everywhere",
        is_flag=True,
        help="Cover every channel of the post's incident in this one decision (the same "
        "message on the force's other accounts and platforms).",
    )(func)


def _also(deletion) -> str:
    parts = list(deletion.parts.order_by("pk").values_list("post_id", flat=True))
    return (
        f", with post{'s' if len(parts) > 1 else ''} {', '.join(map(str, parts))}" if parts else ""
    )


@click.command()
@click.argument("post_id", metavar="POST")
@_ground_option
@_explain_option
@rationale_option
@_everywhere_option
@as_option
@command
def delete(post_id, ground, explain, rationale, everywhere, as_user):
    """Request a deletion, the last resort. A supervisor other than you must approve it. (A
    supervisor who must take harmful words down at once uses `amends remove`.)

    Example: amends delete 12 --ground prejudicial --explain "It named a suspect."
    --rationale "Trial starts Monday." --as alice
    """
    from amends.actions import RequestDeletion

    deletion = RequestDeletion(
        user_named(as_user),
        post=post_id,
        ground=ground,
        explanation=explain,
        rationale=rationale,
        everywhere=everywhere,
    ).run()
    return _out(deletion), (
        f"deletion {deletion.pk} requested{_also(deletion)}; it waits for a supervisor"
    )


@click.command()
@click.argument("post_id", metavar="POST")
@_ground_option
@_explain_option
@rationale_option
@_everywhere_option
@as_option
@command
def remove(post_id, ground, explain, rationale, everywhere, as_user):
    """Take a post down now (supervisors): the public notice and the platform deletion go
    out at once, the wording is sealed, and another supervisor must review the decision
    within AMENDS_REVIEW_HOURS.

    Example: amends remove 12 --ground identified_person --explain "It identified a victim."
    --rationale "Named a child; s.49 applies." --as sam
    """
    from amends.actions import RemoveNow

    deletion = RemoveNow(
        user_named(as_user),
        post=post_id,
        ground=ground,
        explanation=explain,
        rationale=rationale,
        everywhere=everywhere,
    ).run()
    return _out(deletion), (
        f"post {deletion.post_id}{_also(deletion)} removed (deletion {deletion.pk}); another "
        "supervisor must "
        f"review it by {deletion.review_due:%d %b %Y %H:%M}"
    )


@click.command()
@click.argument("deletion_id", metavar="DELETION")
@click.option("--confirm", "verdict", flag_value="confirm", help="The removal was right.")
@click.option("--disagree", "verdict", flag_value="disagree", help="It should not have been.")
@rationale_option
@as_option
@command
def review(deletion_id, verdict, rationale, as_user):
    """Review an urgent removal another supervisor made: confirm it or disagree, with your
    rationale. Either way it is recorded; a removed post stays removed.

    Example: amends review 3 --confirm --rationale "The child was identifiable." --as jo
    """
    from amends.actions import ReviewRemoval

    if verdict is None:
        raise click.UsageError("give --confirm or --disagree")
    deletion = ReviewRemoval(
        user_named(as_user), deletion=deletion_id, verdict=verdict, rationale=rationale
    ).run()
    return _out(deletion), f"deletion {deletion.pk} reviewed: {deletion.review}"


@click.command()
@click.argument("deletion_id", metavar="DELETION")
@rationale_option
@as_option
@command
def approve(deletion_id, rationale, as_user):
    """Approve a deletion: the post's page becomes a public notice and the original is sealed.

    Example: amends approve 3 --rationale "It named a witness." --as sam
    """
    from amends.actions import ApproveDeletion

    deletion = ApproveDeletion(user_named(as_user), deletion=deletion_id, rationale=rationale).run()
    return _out(deletion), (
        f"deletion {deletion.pk} done; post {deletion.post_id} removed and sealed"
    )


@click.command()
@click.argument("deletion_id", metavar="DELETION")
@click.option(
    "--rationale",
    "--reason",
    "rationale",
    required=True,
    help="Why the deletion is rejected (for the record; never published).",
)
@as_option
@command
def reject(deletion_id, rationale, as_user):
    """Reject a deletion request, with your rationale.

    Example: amends reject 3 --rationale "A correction is enough." --as sam
    """
    from amends.actions import RejectDeletion

    deletion = RejectDeletion(user_named(as_user), deletion=deletion_id, rationale=rationale).run()
    return _out(deletion), f"deletion {deletion.pk} rejected"


@click.command()
@click.argument("deletion_id", metavar="DELETION")
@as_option
@command
def withdraw(deletion_id, as_user):
    """Withdraw your own deletion request while it waits for approval.

    Example: amends withdraw 3 --as alice
    """
    from amends.actions import WithdrawDeletion

    deletion = WithdrawDeletion(user_named(as_user), deletion=deletion_id).run()
    return _out(deletion), f"deletion {deletion.pk} withdrawn"


@click.command()
@click.option("--reason", required=True, help="Why all sending stops (shown to everyone).")
@as_option
@command
def pause(reason, as_user):
    """Pause all sending: no delivery or retry goes to any platform until someone resumes.
    Everyone on the desk sees a red banner. Nothing waiting is lost.

    Example: amends pause --reason "Account compromised; checking." --as sam
    """
    from amends.actions import PauseSending

    paused = PauseSending(user_named(as_user), reason=reason).run()
    return {"paused": True, "pause": paused.pk}, "all sending paused"


@click.command()
@as_option
@command
def resume(as_user):
    """Resume sending after a pause: whatever waited is sent, once each.

    Example: amends resume --as sam
    """
    from amends.actions import ResumeSending

    ResumeSending(user_named(as_user)).run()
    return {"paused": False}, "sending resumed"


COMMANDS = {
    "delete": delete,
    "remove": remove,
    "review": review,
    "approve": approve,
    "reject": reject,
    "withdraw": withdraw,
    "pause": pause,
    "resume": resume,
}
