"""What a delivery sends, read from the record's content store when it is sent.

The outbox keeps no wording of its own: a publish names the post's first revision, a correction
names its new revision (the one before it gives the old wording), and the exact text is worked
out here, by the same pure functions that planned it for the person correcting. Once a post is
deleted its revisions are sealed, so a delivery still waiting can no longer read them and fails
at once instead of sending wording that was taken down.
"""

from django.utils import timezone

from amends.connectors import Connector, PlatformError
from amends.connectors.strategy import edit_text, editable
from amends.delivery.models import Delivery
from amends.desk.models import Revision
from amends.errors import Refused
from amends.record import api as record
from amends.text.render import plain_correction

Op = Delivery.Op


def _read(revision: Revision, connector: Connector) -> str:
    try:
        return record.read(revision.seq).decode("utf-8")
    except Refused:
        raise PlatformError(
            f"{connector.name}: the post's wording is sealed (the post was deleted); "
            "nothing is sent",
            permanent=True,
        ) from None


def replan(delivery: Delivery, connector: Connector, at) -> str | None:
    """Why an edit planned earlier can no longer be an edit at ``at`` (the platform's edit
    window has passed, or its edits are used up), else None. The worker then sends the
    correction as a reply in the post's thread instead: an edit the platform refuses is a
    permanent failure, and the correction would never reach the post."""
    if delivery.op != Op.EDIT:
        return None
    copy = delivery.post.copy
    can, because = editable(connector, published_at=copy.published_at, edits=copy.edits, at=at)
    return None if can else because


def text_of(delivery: Delivery, connector: Connector) -> str:
    """Exactly what ``delivery`` sends to its platform ("" for a deletion)."""
    if delivery.op == Op.DELETE:
        return ""
    if delivery.op == Op.NOTICE or delivery.revision_id is None:
        return delivery.text
    revision = delivery.revision
    new = _read(revision, connector)
    if delivery.op == Op.PUBLISH:
        return new
    before = Revision.objects.get(post_id=revision.post_id, n=revision.n - 1)
    old = _read(before, connector)
    at, zone = revision.created_at, timezone.get_default_timezone()
    if delivery.op == Op.EDIT:
        return edit_text(connector, old, new, reason=revision.reason, at=at, zone=zone)
    return plain_correction(old, new, at=at, zone=zone, reason=revision.reason)


def shown(delivery: Delivery) -> str | None:
    """The text a delivery sends, for people reading the outbox; None once it is sealed.

    Reads the record only: no credentials, no network.
    """
    from amends.connectors import rules_for

    try:
        return text_of(delivery, rules_for(delivery.account))
    except PlatformError:
        return None
