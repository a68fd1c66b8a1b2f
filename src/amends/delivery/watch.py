"""Changes made outside the desk: an edit or a deletion made on the platform directly.

Each recently active post that Amends put on a platform is fetched and compared with the
wording Amends last put there. A difference is recorded (``post.changed_outside`` with what was
found as its content, or ``post.deleted_outside``) and raised on the Today page, so that the
record has no silent holes.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction

from amends.clock import now
from amends.connectors import PlatformError
from amends.delivery.models import Copy, Delivery, OutsideChange
from amends.notify import events
from amends.record import api as record


def recent_copies():
    """Copies still on their platform whose post Amends changed in the last WATCH_DAYS, and
    with nothing waiting to be delivered (an edit in flight is not an outside change)."""
    since = now() - timedelta(days=settings.WATCH_DAYS)
    busy = Delivery.objects.filter(
        status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
    ).values("post_id")
    return (
        Copy.objects.filter(gone_at__isnull=True, active_at__gte=since)
        .exclude(post_id__in=busy)
        .select_related("post__account")
        .order_by("checked_at", "pk")
    )


def check(worker) -> list[OutsideChange]:
    """Compare every recent copy with its platform; return the changes found. A platform that
    cannot be reached is skipped until the next check."""
    found = []
    for copy in recent_copies():
        connector = worker.connector(copy.post.account)
        if not connector.reads:  # Nextdoor: nothing Amends can look at
            continue
        try:
            live = connector.fetch(copy.remote())
        except PlatformError:
            continue
        finally:
            connector.seam.take()
        change = compare(copy, connector, live)
        if change is not None:
            found.append(change)
            events.safely(events.outside_change, change)
    return found


def compare(copy: Copy, connector, live) -> OutsideChange | None:
    at = now()
    post = copy.post
    with transaction.atomic():
        copy = Copy.objects.select_for_update().get(pk=copy.pk)
        if copy.gone_at is not None:
            return None
        data = {"post": post.pk, "account": str(post.account), "remote": copy.remote_id}
        if live is None:
            entry = record.append("post.deleted_outside", data, subject=post.subject)
            copy.gone_at = at
            kind = OutsideChange.Kind.DELETED
        elif not copy.shows(connector.comparable(live.text or "")):
            entry = record.append(
                "post.changed_outside", data, subject=post.subject, content=live.text or ""
            )
            copy.expect(connector.comparable(live.text or ""))
            kind = OutsideChange.Kind.CHANGED
        else:
            copy.checked_at = at
            copy.save(update_fields=["checked_at"])
            return None
        copy.checked_at = at
        copy.save()
        return OutsideChange.objects.create(post=post, kind=kind, seq=entry.seq, found_at=at)
