"""Raising, escalating and settling alerts: the only way the rest of Amends tells people.

An alert goes first to the person on call now (the rota's shift covering this moment with the
lowest position), or, with nobody on the rota, to every supervisor. If nobody acts within
``AMENDS_ESCALATE_MINUTES``, the next person on the rota is told, then every supervisor; each
level once. Acting on the thing (approving, reviewing, resuming) settles its alert.

Every notification is recorded (who, which channels, whether it went) and holds only the
summary the caller composed: callers never put sealed wording in a summary.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

from amends.clock import now
from amends.desk.roles import roles_of
from amends.notify import channels
from amends.notify.channels import Message, NotSent
from amends.notify.models import Alert, Channel, Notification, Shift
from amends.record import api as record

logger = logging.getLogger(__name__)

# What each alert is called in a message's title.
TITLES = {
    "deletion.awaiting": "A deletion awaits approval",
    "removal.review": "An urgent removal awaits review",
    "review.overdue": "An urgent removal's review is overdue",
    "delivery.failed": "A delivery failed",
    "outside.change": "A post was changed outside Amends",
    "budget.spent": "A response budget is spent",
    "sending.paused": "All sending is paused",
    "sending.resumed": "Sending has resumed",
    "record.forked": "A witness refused the record's checkpoint",
    "test": "A test message from Amends",
}


def supervisors(excluding: Iterable[User] = ()) -> list[User]:
    skip = {u.pk for u in excluding}
    people = User.objects.filter(is_active=True).order_by("username")
    return [u for u in people if u.pk not in skip and "supervisor" in roles_of(u)]


def on_call(at=None) -> list[User]:
    """Who is on call now, in the rota's order (first to be told first)."""
    at = at or now()
    shifts = Shift.objects.filter(starts__lte=at, ends__gt=at, user__is_active=True)
    seen, out = set(), []
    for shift in shifts.select_related("user").order_by("position", "starts", "pk"):
        if shift.user_id not in seen:
            seen.add(shift.user_id)
            out.append(shift.user)
    return out


def audience(level: int, *, excluding: Iterable[User] = (), at=None) -> list[User]:
    """Who is told at escalation ``level``: the rota's people one by one, then every
    supervisor; with no rota, every supervisor at once. Empty when nobody is left."""
    skip = {u.pk for u in excluding}
    rota = [u for u in on_call(at) if u.pk not in skip]
    if level < len(rota):
        return [rota[level]]
    if level == len(rota):
        told = {u.pk for u in rota}
        return [u for u in supervisors(excluding) if u.pk not in told] or (
            [] if rota else supervisors(excluding)
        )
    return []


def message_for(event: str, summary: str, path: str) -> Message:
    return Message(TITLES.get(event, "Amends"), summary, f"{settings.SITE_URL}{path}")


def tell(user: User, message: Message, *, alert: Alert | None, event: str) -> list[Notification]:
    """Send ``message`` on each of ``user``'s channels, record each, and return them. (Someone
    with no channel is told only by the desk: nothing is sent or recorded.)"""
    sent = []
    mine = list(Channel.objects.filter(user=user).order_by("pk"))
    if not mine:
        return sent
    for channel in mine:
        try:
            channels.send(channel.kind, channel.address, message)
            ok, error = True, ""
        except NotSent as failure:
            ok, error = False, str(failure)
        except Exception:  # a message must never break the action that raised it
            logger.exception("notification to %s by %s failed", user.username, channel.kind)
            ok, error = False, "sending failed unexpectedly"
        sent.append(
            Notification.objects.create(
                alert=alert, user=user, channel=channel.kind, sent_at=now(), ok=ok, error=error
            )
        )
    record.append(
        "notification.sent",
        {
            "event": event,
            "alert": alert.pk if alert else None,
            "user": user.username,
            "channels": [{"channel": n.channel, "ok": n.ok} for n in sent],
            "summary": message.text,
        },
        actor=None,
        subject=f"user:{user.username}",
    )
    return sent


def raise_alert(
    event: str, *, summary: str, path: str, key: str, excluding: Iterable[User] = ()
) -> Alert:
    """Tell the first people who should act. Raising an alert that is already standing (same
    ``key``, not settled) tells nobody again."""
    standing = Alert.objects.filter(key=key, settled_at__isnull=True).first()
    if standing is not None:
        return standing
    at = now()
    alert = Alert.objects.create(
        event=event, key=key, summary=summary, path=path, raised_at=at, escalated_at=at
    )
    message = message_for(event, summary, path)
    for user in audience(0, excluding=excluding, at=at):
        tell(user, message, alert=alert, event=event)
    return alert


def announce(event: str, *, summary: str, path: str, excluding: Iterable[User] = ()) -> None:
    """Tell every supervisor once, with nothing to act on (sending paused or resumed)."""
    message = message_for(event, summary, path)
    for user in supervisors(excluding):
        tell(user, message, alert=None, event=event)


def settle(key: str) -> int:
    """Someone acted: no more escalation for the alert with ``key``."""
    return Alert.objects.filter(key=key, settled_at__isnull=True).update(settled_at=now())


def escalate(at=None) -> int:
    """Tell the next people about every alert nobody acted on within the escalation time.
    Returns how many alerts moved on. The worker calls this as it goes."""
    at = at or now()
    waited = timedelta(minutes=settings.ESCALATE_MINUTES)
    moved = 0
    for alert in Alert.objects.filter(settled_at__isnull=True, escalated_at__lte=at - waited):
        alert.level += 1
        alert.escalated_at = at
        alert.save(update_fields=["level", "escalated_at"])
        people = audience(alert.level, at=at)
        if not people:
            continue
        message = message_for(alert.event, f"Nobody has acted yet. {alert.summary}", alert.path)
        for user in people:
            tell(user, message, alert=alert, event=alert.event)
        moved += 1
    return moved


def send_test(user: User) -> list[Notification]:
    message = message_for(
        "test",
        f"This is a test message for {user.username}. If you can read it, this channel works.",
        reverse("desk:me-notifications"),
    )
    return tell(user, message, alert=None, event="test")
