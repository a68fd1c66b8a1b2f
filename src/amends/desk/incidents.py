"""Reading incidents: which incident a post is about, the budget, the five steps. No changes."""

from dataclasses import dataclass

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
    return root(post).incidents.order_by("-opened_at", "-pk").first()


def budget_used(incident: Incident) -> int:
    responses = Post.objects.filter(incident=incident).count()
    corrections = Revision.objects.filter(
        post=incident.post, n__gt=1, created_at__gte=incident.opened_at
    ).count()
    return responses + corrections


@dataclass(frozen=True)
class Step:
    step: str
    status: str  # done, to do, optional, not applicable


def steps(incident: Incident) -> list[Step]:
    post = incident.post
    apologised = Post.objects.filter(in_reply_to=post, kind=Post.Kind.APOLOGY).exists()
    corrected = Revision.objects.filter(post=post, n__gt=1).exists()
    deletions = Deletion.objects.filter(post=post)
    deleted = post.removal is not None
    deleting = deletions.filter(status=Deletion.Status.PENDING).exists()
    laughed = Post.objects.filter(
        Q(in_reply_to=post) | Q(incident=incident), kind=Post.Kind.REPLY
    ).exists()
    minor = incident.severity == Incident.Severity.MINOR
    return [
        Step("apologise", "done" if apologised else "to do"),
        Step("amend", "done" if corrected else ("not applicable" if deleted else "to do")),
        Step("explain", "done" if deleted else ("to do" if deleting else "not applicable")),
        Step("laugh", ("done" if laughed else "optional") if minor else "not applicable"),
        Step("move_on", "to do" if incident.is_open else "done"),
    ]


def first_time(incident: Incident, kind: str):
    post = incident.post
    if kind == "apology":
        first = Post.objects.filter(in_reply_to=post, kind=Post.Kind.APOLOGY).order_by("created_at")
        found = first.first()
        return found.created_at if found else None
    revision = Revision.objects.filter(post=post, n__gt=1).order_by("created_at").first()
    return revision.created_at if revision else None
