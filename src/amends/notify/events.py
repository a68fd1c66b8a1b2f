"""What Amends tells people about, in words composed here from ids, names and grounds: never
from a post's wording, which may be sealed."""

import logging

from django.urls import reverse

from amends.desk import policy
from amends.notify import api as notify

logger = logging.getLogger(__name__)


def safely(event, *args) -> None:
    """Tell people about ``event``; a failure is logged, never raised: the change it is about
    is already made and recorded."""
    try:
        event(*args)
    except Exception:
        logger.exception("notifying %s failed", getattr(event, "__name__", event))


def deletion_requested(deletion) -> None:
    post = deletion.post
    notify.raise_alert(
        "deletion.awaiting",
        summary=(
            f"{deletion.requested_by.username} asked for post {post.pk} on {post.account} to be "
            f"deleted because {policy.ground_in_words(deletion.ground)}. Another supervisor "
            "must decide."
        ),
        path=reverse("desk:decide", args=[deletion.pk]),
        key=f"deletion:{deletion.pk}",
        excluding=[deletion.requested_by],
    )


def removed_urgently(deletion) -> None:
    post = deletion.post
    notify.raise_alert(
        "removal.review",
        summary=(
            f"{deletion.decided_by.username} took down post {post.pk} on {post.account} at once "
            f"because {policy.ground_in_words(deletion.ground)}. Another supervisor must review "
            f"the decision by {deletion.review_due:%H:%M on %d %b} (UTC)."
        ),
        path=reverse("desk:decide", args=[deletion.pk]),
        key=f"review:{deletion.pk}",
        excluding=[deletion.decided_by],
    )


def review_overdue(deletion) -> None:
    notify.raise_alert(
        "review.overdue",
        summary=(
            f"Nobody has reviewed the urgent removal of post {deletion.post_id} by "
            f"{deletion.decided_by.username}; it was due at {deletion.review_due:%H:%M on %d %b} "
            "(UTC)."
        ),
        path=reverse("desk:decide", args=[deletion.pk]),
        key=f"overdue:{deletion.pk}",
        excluding=[deletion.decided_by],
    )


def delivery_failed(delivery) -> None:
    notify.raise_alert(
        "delivery.failed",
        summary=(
            f"Amends could not {delivery.op} post {delivery.post_id} on {delivery.account} and "
            "has stopped trying. See why, and send it again once the cause is fixed."
        ),
        path=reverse("desk:delivery", args=[delivery.pk]),
        key=f"delivery:{delivery.pk}",
    )


def outside_change(change) -> None:
    what = "deleted" if change.kind == "deleted" else "changed"
    notify.raise_alert(
        "outside.change",
        summary=(
            f"Post {change.post_id} on {change.post.account} was {what} on the platform, not "
            "through Amends. Check what it says now."
        ),
        path=reverse("desk:post", args=[change.post_id]),
        key=f"change:{change.pk}",
    )


def budget_spent(incident, used: int) -> None:
    notify.raise_alert(
        "budget.spent",
        summary=(
            f"Incident {incident.pk} has used its response budget ({used} of {incident.budget}). "
            "Every further reply keeps the matter alive: think about closing it."
        ),
        path=reverse("desk:incident", args=[incident.pk]),
        key=f"budget:{incident.pk}",
    )


def sending_paused(pause) -> None:
    notify.announce(
        "sending.paused",
        summary=(
            f"{pause.paused_by.username} paused all sending to every platform: {pause.reason} "
            "Nothing goes out until someone resumes."
        ),
        path=reverse("desk:sending"),
        excluding=[pause.paused_by],
    )


def sending_resumed(pause) -> None:
    notify.announce(
        "sending.resumed",
        summary=f"{pause.resumed_by.username} resumed sending; what waited is being sent.",
        path=reverse("desk:deliveries"),
        excluding=[pause.resumed_by],
    )


def record_forked(problem: str) -> None:
    notify.raise_alert(
        "record.forked",
        summary=(
            f"{problem}. The record may have been rolled back or rewritten: run amends verify, "
            "and tell your professional standards department."
        ),
        path=reverse("desk:today"),
        key="record.forked",
    )


def escalate_and_chase(at=None) -> None:
    """The worker's round: overdue reviews raised, then unanswered alerts escalated."""
    from amends.clock import now
    from amends.desk.models import Deletion

    at = at or now()
    overdue = Deletion.objects.filter(
        urgent=True, status=Deletion.Status.DONE, review="", review_due__lte=at, part_of=None
    ).select_related("decided_by")
    for deletion in overdue:
        review_overdue(deletion)
    notify.escalate(at)
