"""An incident's inbox: what the public said about its posts (replies, quotes, reposts,
mentions), gathered from the platforms, for the team to read, mark handled, or answer through
the desk's reply — newest first, those not yet handled before the rest."""

from django.db.models import F

from amends.copies.conversation import posts_of
from amends.copies.models import Mention
from amends.desk.models import Incident


def inbox(incident: Incident, *, handled: bool = False, limit: int = 200) -> list[Mention]:
    """The mentions of ``incident``'s posts not yet handled (with ``handled``, every one)."""
    found = Mention.objects.filter(post__in=posts_of(incident)).select_related(
        "post__account", "handled_by"
    )
    if not handled:
        found = found.filter(handled_at__isnull=True)
    # Not yet handled first, on every database (PostgreSQL sorts NULL last otherwise).
    waiting_first = F("handled_at").asc(nulls_first=True)
    return list(found.order_by(waiting_first, "-at", "-pk")[:limit])


def waiting(incident: Incident) -> int:
    """How many mentions of ``incident``'s posts no one has handled yet."""
    return Mention.objects.filter(post__in=posts_of(incident), handled_at__isnull=True).count()


def as_json(mention: Mention) -> dict:
    return {
        "id": mention.pk,
        "post": mention.post_id,
        "kind": mention.kind,
        "url": mention.url,
        "author": mention.author,
        "text": mention.text,
        "at": mention.at.isoformat(),
        "handled_at": mention.handled_at.isoformat() if mention.handled_at else None,
        "handled_by": mention.handled_by.username if mention.handled_by else None,
    }
