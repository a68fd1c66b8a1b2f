"""What needs the person signed in, now: one line each, with what to do and where, the most
serious and the oldest first. Today shows it before anything else.

Each line is worked out from the same state the rest of the desk shows; what a person may not
do is not offered to them (a supervisor never decides their own deletion request).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from amends.clock import now
from amends.connectors import CONNECTORS
from amends.delivery.models import Delivery
from amends.desk import incidents as rules
from amends.desk import policy
from amends.desk.models import Deletion, Incident
from amends.desk.roles import roles_of
from amends.record import api as record
from amends.web.pages import STEPS, unseen_changes

SHOWN = 50
# Most serious first: a record that does not verify, an overdue review, then by severity.
BROKEN, OVERDUE = -2, -1
RANK = {"critical": 0, "serious": 1, "minor": 2}
NONE = 3
BY_HAND = {
    "publish": "publish post",
    "edit": "edit post",
    "thread": "reply to post",
    "quote": "quote post",
    "delete": "delete post",
    "notice": "post the notice for post",
}


@dataclass(frozen=True)
class Need:
    rank: int
    since: datetime
    words: str  # what needs doing, in a sentence
    href: str
    action: str  # the link's words: what the person does there
    urgent: bool = False


def _rank_of_posts(post_ids: set[int]) -> dict[int, int]:
    """The severity rank of the open incident each post is a channel of (its first post, or
    another channel), NONE where it is in none."""
    ranks: dict[int, int] = {}
    open_incidents = Incident.objects.filter(closed_at__isnull=True)
    for post_id, severity in open_incidents.filter(post_id__in=post_ids).values_list(
        "post_id", "severity"
    ):
        ranks[post_id] = min(ranks.get(post_id, NONE), RANK.get(severity, NONE))
    others = Incident.others.through.objects.filter(
        post_id__in=post_ids, incident__closed_at__isnull=True
    ).values_list("post_id", "incident__severity")
    for post_id, severity in others:
        ranks[post_id] = min(ranks.get(post_id, NONE), RANK.get(severity, NONE))
    return ranks


def for_person(user) -> list[Need]:
    roles = roles_of(user)
    supervisor = "supervisor" in roles
    writer = bool(roles & {"author", "supervisor"})
    at = now()
    needs: list[Need] = []

    health = record.health()
    if not health.ok:
        fix = "run amends verify" if "admin" in roles else "tell an admin at once"
        needs.append(
            Need(
                BROKEN,
                at,
                f"The record does not verify ({health.problem}): {fix}.",
                reverse("desk:today") + "#h-record",
                "See the record",
                urgent=True,
            )
        )

    deletions = Deletion.objects.filter(part_of=None).select_related("post__account")
    if supervisor:
        reviews = deletions.filter(urgent=True, status=Deletion.Status.DONE, review="")
        for d in reviews.exclude(decided_by=user).order_by("review_due")[:SHOWN]:
            overdue = d.review_due is not None and d.review_due <= at
            needs.append(
                Need(
                    OVERDUE if overdue else RANK["serious"],
                    d.decided_at or at,
                    f"Review the urgent removal of post {d.post_id} on {d.post.account} "
                    + ("(overdue)" if overdue else "(due soon)"),
                    reverse("desk:decide", args=[d.pk]),
                    "Review it",
                    urgent=overdue,
                )
            )
        pending = deletions.filter(status=Deletion.Status.PENDING).exclude(requested_by=user)
        pending = list(pending.order_by("requested_at")[:SHOWN])
        ranks = _rank_of_posts({d.post_id for d in pending})
        for d in pending:
            needs.append(
                Need(
                    ranks.get(d.post_id, NONE),
                    d.requested_at,
                    f"Approve or reject the deletion of post {d.post_id} on {d.post.account}: "
                    f"{policy.ground_in_words(d.ground)}",
                    reverse("desk:decide", args=[d.pk]),
                    "Decide",
                )
            )

    if writer:
        waiting = Delivery.objects.filter(by_hand=True, status=Delivery.Status.PENDING)
        waiting = list(waiting.select_related("account").order_by("created_at")[:SHOWN])
        ranks = _rank_of_posts({d.post_id for d in waiting})
        for d in waiting:
            label = CONNECTORS[d.account.platform].label
            needs.append(
                Need(
                    ranks.get(d.post_id, NONE),
                    d.created_at,
                    f"Do by hand on {label}: {BY_HAND[d.op]} {d.post_id}",
                    reverse("desk:delivery", args=[d.pk]),
                    "Do it",
                )
            )
        for change in unseen_changes()[:SHOWN]:
            what = "deleted" if change.kind == "deleted" else "changed"
            needs.append(
                Need(
                    RANK["serious"],
                    change.found_at,
                    f"Post {change.post_id} was {what} on {change.post.account} outside Amends",
                    reverse("desk:post", args=[change.post_id]),
                    "Look at it",
                )
            )
        incidents = list(
            Incident.objects.filter(closed_at__isnull=True)
            .select_related("post__account")
            .order_by("opened_at")[:SHOWN]
        )
        progress = rules.progress(incidents)
        for incident in incidents:
            found = progress[incident.pk]
            rank = RANK.get(incident.severity, NONE)
            href = reverse("desk:incident", args=[incident.pk])
            if found.used >= incident.budget and supervisor:
                needs.append(
                    Need(
                        rank,
                        incident.opened_at,
                        f"Close incident {incident.pk} ({incident.severity}): its response "
                        "budget is spent",
                        href,
                        "Close it",
                    )
                )
                continue
            todo = next((s for s in found.steps if s.status == "to do"), None)
            if todo is None or (todo.step == "move_on" and not supervisor):
                continue
            needs.append(
                Need(
                    rank,
                    incident.opened_at,
                    f"Incident {incident.pk} ({incident.severity}): {STEPS[todo.step][0].lower()}",
                    href,
                    "Open it",
                )
            )

    if roles & {"supervisor", "admin"}:
        failed = Delivery.objects.filter(status=Delivery.Status.FAILED).select_related("account")
        for d in failed.order_by("-pk")[:SHOWN]:
            needs.append(
                Need(
                    RANK["serious"],
                    d.done_at or d.created_at,
                    f"Delivery to {d.account} failed: {d.get_op_display().lower()} of "
                    f"post {d.post_id}",
                    reverse("desk:delivery", args=[d.pk]),
                    "Retry",
                )
            )

    needs.sort(key=lambda n: (n.rank, n.since))
    return needs[:SHOWN]
