"""The register of known copies of a post, as people read it: where each copy is, how it was
found, which revision it shows, and whether that revision is one the force has since corrected
or taken down (so the copy still shows the error)."""

from django.db.models import Max

from amends.copies.models import KnownCopy
from amends.desk.models import Deletion, Post


def shows_error(post: Post, revision: int) -> bool:
    latest = post.revisions.aggregate(n=Max("n"))["n"] or 0
    removed = post.deletions.filter(status=Deletion.Status.DONE).exists()
    return revision < latest or removed


def copies_of(post: Post) -> list[dict]:
    latest = post.revisions.aggregate(n=Max("n"))["n"] or 0
    removed = post.deletions.filter(status=Deletion.Status.DONE).exists()
    return [
        {
            "id": c.pk,
            "url": c.url,
            "found_by": c.found_by,
            "revision": c.revision,
            "shows_error": c.gone_at is None and (c.revision < latest or removed),
            "found_at": c.found_at.isoformat(),
            "notified_at": c.notified_at.isoformat() if c.notified_at else None,
            "gone_at": c.gone_at.isoformat() if c.gone_at else None,
        }
        for c in KnownCopy.objects.filter(post=post).order_by("found_at", "pk")
    ]
