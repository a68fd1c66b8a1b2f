"""What needs the person signed in, now: one line each, with what to do and where, the most
serious and the oldest first. Today shows it before anything else.

Each line is worked out from the same state the rest of the desk shows; what a person may not
do is not offered to them (a supervisor never decides their own deletion request).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

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
    "publish": gettext_noop("publish post"),
    "edit": gettext_noop("edit post"),
    "thread": gettext_noop("reply to post"),
    "quote": gettext_noop("quote post"),
    "delete": gettext_noop("delete post"),
    "notice": gettext_noop("post the notice for post"),
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
        fix = gettext("run amends verify") if "admin" in roles else gettext("tell an admin at once")
        needs.append(
            Need(
                BROKEN,
                at,
                gettext("The record does not verify (%(problem)s): %(fix)s.")
                % {"problem": health.problem, "fix": fix},
                reverse("desk:today") + "#h-record",
                gettext("See the record"),
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
                    (
                        gettext(
                            "Review the urgent removal of post %(post)s on %(account)s (overdue)"
                        )
                        if overdue
                        else gettext(
                            "Review the urgent removal of post %(post)s on %(account)s (due soon)"
                        )
                    )
                    % {"post": d.post_id, "account": d.post.account},
                    reverse("desk:decide", args=[d.pk]),
                    gettext("Review it"),
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
                    gettext(
                        "Approve or reject the deletion of post %(post)s on %(account)s: %(ground)s"
                    )
                    % {
                        "post": d.post_id,
                        "account": d.post.account,
                        "ground": gettext(policy.ground_in_words(d.ground)),
                    },
                    reverse("desk:decide", args=[d.pk]),
                    gettext("Decide"),
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
                    gettext("Do by hand on %(platform)s: %(what)s %(post)s")
                    % {"platform": label, "what": gettext(BY_HAND[d.op]), "post": d.post_id},
                    reverse("desk:delivery", args=[d.pk]),
                    gettext("Do it"),
                )
            )
        for change in unseen_changes()[:SHOWN]:
            said = (
                gettext("Post %(post)s was deleted on %(account)s outside Amends")
                if change.kind == "deleted"
                else gettext("Post %(post)s was changed on %(account)s outside Amends")
            )
            needs.append(
                Need(
                    RANK["serious"],
                    change.found_at,
                    said % {"post": change.post_id, "account": change.post.account},
                    reverse("desk:post", args=[change.post_id]),
                    gettext("Look at it"),
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
                        gettext(
                            "Close incident %(incident)s (%(severity)s): its response budget is "
                            "spent"
                        )
                        % {"incident": incident.pk, "severity": gettext(incident.severity)},
                        href,
                        gettext("Close it"),
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
                    gettext("Incident %(incident)s (%(severity)s): %(step)s")
                    % {
                        "incident": incident.pk,
                        "severity": gettext(incident.severity),
                        "step": str(STEPS[todo.step][0]).lower(),
                    },
                    href,
                    gettext("Open it"),
                )
            )

    if roles & {"supervisor", "admin"}:
        failed = Delivery.objects.filter(status=Delivery.Status.FAILED).select_related("account")
        for d in failed.order_by("-pk")[:SHOWN]:
            needs.append(
                Need(
                    RANK["serious"],
                    d.done_at or d.created_at,
                    gettext("Delivery to %(account)s failed: %(what)s of post %(post)s")
                    % {
                        "account": d.account,
                        "what": gettext(d.get_op_display()).lower(),
                        "post": d.post_id,
                    },
                    reverse("desk:delivery", args=[d.pk]),
                    gettext("Retry"),
                )
            )

    needs.sort(key=lambda n: (n.rank, n.since))
    return needs[:SHOWN]
