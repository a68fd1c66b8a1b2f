"""Reading incidents: which incident a post is about, the budget, the five steps. No changes."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from amends.desk.models import Deletion, Incident, Post, Revision

SERIOUS = (Incident.Severity.SERIOUS, Incident.Severity.CRITICAL)


def root(post: Post) -> Post:
    """The post a response answers (a response's response answers the same post)."""
    while post.in_reply_to_id is not None and post.kind != Post.Kind.POST:
        post = post.in_reply_to
    return post


def incident_for(post: Post) -> Incident | None:
    """The incident a post, or a response to it, is about: the latest one opened on its root."""
    if post.incident_id is not None:
        return post.incident
    first = root(post)
    found = first.incidents.order_by("-opened_at", "-pk").first()
    # The same message on another channel, added to an incident opened on the first.
    return found or first.also_in.order_by("-opened_at", "-pk").first()


def budget_used(incident: Incident) -> int:
    return progress([incident])[incident.pk].used


@dataclass(frozen=True)
class Step:
    step: str
    status: str  # done, to do, optional, not applicable, not needed
    # Said beside the status: who overrode a checker and why; why a step was not needed.
    note: str = ""


@dataclass(frozen=True)
class Progress:
    """Where an incident stands: its five steps, how much of its response budget is used, and
    when the first apology and the first correction came."""

    steps: list[Step]
    used: int
    first_apology: datetime | None
    first_correction: datetime | None


def progress(incidents: Iterable[Incident]) -> dict[int, Progress]:
    """The progress of each incident, by id, in a few queries however many there are: pages that
    list incidents would otherwise ask seven questions of the database per incident."""
    incidents = list(incidents)
    post_ids = {i.post_id for i in incidents}
    incident_ids = {i.pk for i in incidents}

    # Apologies and replies to the posts, and every response counted against an incident.
    apologies: dict[int, list[datetime]] = defaultdict(list)
    overrides: dict[tuple[int, str], str] = {}  # (post, step) -> "checker overridden by ..."
    replied_posts, replied_incidents, redacted = set(), set(), set()
    responses: Counter[int] = Counter()
    rows = Post.objects.filter(
        Q(in_reply_to_id__in=post_ids, kind__in=[Post.Kind.APOLOGY, Post.Kind.REPLY])
        | Q(incident_id__in=incident_ids)
    ).values_list(
        "in_reply_to_id",
        "incident_id",
        "kind",
        "created_at",
        "override_reason",
        "created_by__username",
    )
    for reply_to, incident_id, kind, created_at, override, by in rows:
        # The final statement closes the matter; it is not one more response.
        if incident_id in incident_ids and kind != Post.Kind.STATEMENT:
            responses[incident_id] += 1
            if kind == Post.Kind.REPLY:
                replied_incidents.add(incident_id)
            elif kind == Post.Kind.POST:  # the redacted version of a post taken down
                redacted.add(incident_id)
        if reply_to in post_ids:
            if kind == Post.Kind.APOLOGY:
                apologies[reply_to].append(created_at)
                if override:
                    overrides[reply_to, "apologise"] = overridden(by, override)
            elif kind == Post.Kind.REPLY:
                replied_posts.add(reply_to)

    corrections: dict[int, list[datetime]] = defaultdict(list)
    rows = Revision.objects.filter(post_id__in=post_ids, n__gt=1).values_list(
        "post_id", "created_at", "override_reason", "created_by__username"
    )
    for post_id, created_at, override, by in rows:
        corrections[post_id].append(created_at)
        if override:
            overrides[post_id, "amend"] = overridden(by, override)

    deleted, deleting = set(), set()
    rows = Deletion.objects.filter(
        post_id__in=post_ids, status__in=[Deletion.Status.DONE, Deletion.Status.PENDING]
    ).values_list("post_id", "status")
    for post_id, status in rows:
        (deleted if status == Deletion.Status.DONE else deleting).add(post_id)

    # Steps a person must still do in a platform's app (a caption, a deletion on Instagram).
    from amends.connectors import CONNECTORS
    from amends.delivery.models import Delivery

    # On every channel of the incident, not only its first post.
    channel_of: dict[int, set[int]] = defaultdict(set)  # post -> incidents it is a channel of
    for incident in incidents:
        channel_of[incident.post_id].add(incident.pk)
    others = Incident.others.through.objects.filter(incident_id__in=incident_ids)
    for incident_id, post_id in others.values_list("incident_id", "post_id"):
        channel_of[post_id].add(incident_id)
    by_hand: dict[tuple[int, str], str] = {}  # (incident, step) -> what waits
    rows = Delivery.objects.filter(
        post_id__in=channel_of, by_hand=True, status=Delivery.Status.PENDING
    ).values_list("post_id", "op", "account__platform")
    for post_id, op, platform in rows:
        step = {"edit": "amend", "delete": "explain", "notice": "explain"}.get(op)
        for incident_id in channel_of[post_id] if step else ():
            by_hand[incident_id, step] = (
                f"waiting to be done by hand on {CONNECTORS[platform].label} (post {post_id})"
            )

    # Copies whose owners were told of the correction: each one more response (NotifyCopy).
    from amends.copies.models import KnownCopy

    told: Counter[int] = Counter()
    rows = KnownCopy.objects.filter(post_id__in=channel_of, notified_at__isnull=False)
    for post_id in rows.values_list("post_id", flat=True):
        for incident_id in channel_of[post_id]:
            told[incident_id] += 1

    out = {}
    for incident in incidents:
        post = incident.post_id
        corrected = corrections.get(post, [])
        laughed = post in replied_posts or incident.pk in replied_incidents
        minor = incident.severity == Incident.Severity.MINOR
        harmful = incident.kind == Incident.Kind.HARMFUL
        # Humour only after a minor slip of fact; never after a misjudged tone or harm done.
        humour = minor and incident.kind == Incident.Kind.FACT
        removal = Step(
            "explain",
            "done"
            if post in deleted
            else ("to do" if post in deleting or harmful else "not applicable"),
        )
        steps = [
            Step("apologise", "done" if apologies.get(post) else "to do"),
            Step(
                "amend",
                "done"
                if corrected or incident.pk in redacted
                else ("not applicable" if post in deleted or harmful else "to do"),
            ),
            removal,
            Step("laugh", ("done" if laughed else "optional") if humour else "not applicable"),
            Step("move_on", "to do" if incident.is_open else "done"),
        ]
        if harmful:
            # Harmful words come down first: removal is the first step offered.
            steps.remove(removal)
            steps.insert(0, removal)
        steps = [
            Step(s.step, "to do", by_hand[incident.pk, s.step])
            if (incident.pk, s.step) in by_hand and s.status == "done"
            else s
            for s in steps
        ]
        steps = [_noted(s, post, incident, overrides) for s in steps]
        out[incident.pk] = Progress(
            steps=steps,
            used=responses[incident.pk]
            + told[incident.pk]
            + sum(1 for t in corrected if t >= incident.opened_at),
            first_apology=min(apologies.get(post, []), default=None),
            first_correction=min(corrected, default=None),
        )
    return out


def overridden(by: str, reason: str) -> str:
    return f"checker overridden by {by}: {reason}"


def _noted(step: Step, post: int, incident: Incident, overrides: dict) -> Step:
    """A step as shown: why it was not needed (given at closing), or who overrode a checker."""
    if step.status == "to do" and step.step in (incident.not_needed or {}):
        return Step(step.step, "not needed", incident.not_needed[step.step])
    if step.status == "done" and (post, step.step) in overrides:
        return Step(step.step, step.status, overrides[post, step.step])
    return step


def steps(incident: Incident) -> list[Step]:
    return progress([incident])[incident.pk].steps


def first_time(incident: Incident, kind: str):
    found = progress([incident])[incident.pk]
    return found.first_apology if kind == "apology" else found.first_correction
