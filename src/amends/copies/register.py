"""The register of known copies of a post, as people read it: where each copy is, how it was
found, which revision it shows, and whether that revision is one the force has since corrected
or taken down (so the copy still shows the error)."""

from django.db.models import Max

from amends.clock import now
from amends.copies.models import KnownCopy
from amends.desk.models import Deletion, Post
from amends.record import api as record


def shows_error(post: Post, revision: int) -> bool:
    latest = post.revisions.aggregate(n=Max("n"))["n"] or 0
    removed = post.deletions.filter(status=Deletion.Status.DONE).exists()
    return revision < latest or removed


# What can be done about a copy, by how it was found: a Webmention for a web page (it can update
# what it shows of the post), a reply with the correction beside a platform copy (made in the
# platform's app), nothing for an archive or a screenshot (no one to tell; it keeps what it saw).
OFFER = {
    "webmention": "webmention",
    "pingback": "webmention",
    "text": "webmention",
    "quote": "reply",
    "repost": "reply",
    "reply": "reply",
}


def offer(copy: KnownCopy) -> str | None:
    """What the desk offers for ``copy`` now: ``webmention``, ``reply`` or None (nothing fits,
    it is gone, or its owner was told already)."""
    if copy.gone_at is not None or copy.notified_at is not None:
        return None
    return OFFER.get(copy.found_by)


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
            "offer": offer(c),
        }
        for c in KnownCopy.objects.filter(post=post).order_by("found_at", "pk")
    ]


def found(post: Post, *, url: str, found_by: str, revision: int, actor, note: str = ""):
    """Record a copy (``copy.found``) in the caller's transaction: the one way a copy enters the
    register, for a person (amends.actions.RecordCopy) or for Amends once it has checked one
    (a Webmention's source)."""
    entry = record.append(
        "copy.found",
        {
            "post": post.pk,
            "url": url,
            "found_by": found_by,
            "revision": revision,
            "shows_error": shows_error(post, revision),
        },
        actor=actor.username if actor is not None else None,
        subject=post.subject,
    )
    return KnownCopy.objects.create(
        post=post,
        url=url,
        found_by=found_by,
        revision=revision,
        found_at=now(),
        found_seq=entry.seq,
        recorded_by=actor,
        note=note,
    )


def gone(copy: KnownCopy, *, actor) -> KnownCopy:
    """Record that a copy no longer shows the post (``copy.gone``), in the caller's
    transaction."""
    copy.gone_at = now()
    copy.save(update_fields=["gone_at"])
    record.append(
        "copy.gone",
        {"post": copy.post_id, "url": copy.url, "copy": copy.pk},
        actor=actor.username if actor is not None else None,
        subject=copy.post.subject,
    )
    return copy
