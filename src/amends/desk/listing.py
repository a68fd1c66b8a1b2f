"""Listing posts with filters: the read side of the desk's post list. No changes."""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from amends.desk.models import Deletion, Post, Revision
from amends.errors import BadInput
from amends.record import api as record

STATUSES = ("live", "corrected", "deleted")
KINDS = tuple(Post.Kind.values)


def posts(
    *,
    words: str | None = None,
    account: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet:
    """Posts matching the filters, newest first. ``words`` are looked for in the current
    wording of live posts. ``since`` and ``until`` are whole days where
    the desk is (AMENDS_TIME_ZONE), both included. Each post carries ``removed``, ``revised``
    and ``latest_seq`` (its current revision's record entry)."""
    removed = Deletion.objects.filter(post=OuterRef("pk"), status=Deletion.Status.DONE)
    revised = Revision.objects.filter(post=OuterRef("pk"), n__gt=1)
    latest = Revision.objects.filter(post=OuterRef("pk")).order_by("-n").values("seq")[:1]
    found = (
        Post.objects.select_related("account", "created_by")
        .annotate(removed=Exists(removed), revised=Exists(revised), latest_seq=Subquery(latest))
        .order_by("-created_at", "-pk")
    )
    if words:
        # A number also finds the post with that number.
        by_number = Q(pk=int(words)) if words.isdigit() and len(words) < 18 else Q()
        found = found.filter(Q(wording__icontains=words) | by_number)
    if account:
        platform, _, handle = account.partition(":")
        if not handle:
            raise BadInput(
                "account: must be PLATFORM:HANDLE, for example house:news", field="account"
            )
        found = found.filter(account__platform=platform, account__handle=handle)
    if status == "deleted":
        found = found.filter(removed=True)
    elif status == "corrected":
        found = found.filter(removed=False, revised=True)
    elif status == "live":
        found = found.filter(removed=False, revised=False)
    elif status:
        allowed = ", ".join(STATUSES)
        raise BadInput(f"status: must be one of {allowed} (got {status!r})", field="status")
    if kind in KINDS:
        found = found.filter(kind=kind)
    elif kind:
        raise BadInput(f"kind: must be one of {', '.join(KINDS)} (got {kind!r})", field="kind")
    # Compared as local dates in the database: no date arithmetic that could overflow at the
    # ends of the calendar.
    if since is not None:
        found = found.filter(created_at__date__gte=since)
    if until is not None:
        found = found.filter(created_at__date__lte=until)
    return found


def status_of(post: Post) -> str:
    """The status of a post from :func:`posts`, from its annotations (as ``Post.status``)."""
    if post.removed:
        return "deleted"
    return "corrected" if post.revised else "live"


def rows(page: list[Post]) -> list[dict]:
    """One summary per post of a page from :func:`posts`, with its current wording (None once
    it is sealed), read from the record in one query."""
    texts = record.read_many(p.latest_seq for p in page if p.latest_seq is not None)
    return [
        {
            "post": p.pk,
            "account": str(p.account),
            "kind": p.kind,
            "status": status_of(p),
            "at": p.created_at.isoformat(),
            "by": p.created_by.username,
            "in_reply_to": p.in_reply_to_id,
            "text": texts[p.latest_seq].decode("utf-8") if p.latest_seq in texts else None,
        }
        for p in page
    ]
