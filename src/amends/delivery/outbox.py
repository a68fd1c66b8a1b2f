"""Writing deliveries, always inside the action's own transaction.

Platforms that Amends serves itself (the house site) need no delivery: the action re-renders
their pages. For every other account an action adds rows here, and the worker sends them.
"""

import secrets
import time

from django.utils import timezone

from amends.clock import now
from amends.connectors import CONNECTORS, rules_for
from amends.connectors.strategy import EDIT, QUOTE, Plan
from amends.delivery.models import Copy, Delivery
from amends.desk.models import Post, Revision


def new_key() -> str:
    """A delivery key: microseconds since the epoch (16 hex digits), then 8 random hex digits.
    Time-ordered, so a platform that wants a time-based client id can derive one from it."""
    return f"{time.time_ns() // 1000:016x}{secrets.token_hex(4)}"


def delivered_here(post: Post) -> bool:
    """True when the post's platform is the site Amends serves itself."""
    return CONNECTORS[post.account.platform].local


def _latest(post: Post) -> Delivery | None:
    return post.deliveries.exclude(status=Delivery.Status.CANCELLED).order_by("-pk").first()


def _add(
    post: Post,
    op: str,
    *,
    revision: Revision | None = None,
    notice: str = "",
    why: str = "",
    after: Delivery | None = None,
):
    """A delivery names the revision it sends; only a deletion notice carries its (public)
    words. The wording itself stays in the record's content store."""
    at = now()
    return Delivery.objects.create(
        post=post,
        account=post.account,
        op=op,
        revision=revision,
        text=notice,
        why=why,
        key=new_key(),
        after=after,
        due_at=at,
        created_at=at,
    )


def publish(post: Post, first: Revision) -> Delivery | None:
    if delivered_here(post):
        return None
    parent = _latest(post.in_reply_to) if post.in_reply_to_id else None
    why = f"a reply to post {post.in_reply_to_id}" if parent else "a new post"
    return _add(post, Delivery.Op.PUBLISH, revision=first, why=why, after=parent)


def correct(post: Post, plan: Plan, revision: Revision) -> Delivery | None:
    """Send ``revision`` as ``plan`` said: the plan was made at the revision's own time, from
    its wording and the one before, so the worker works out the same text when it sends."""
    if delivered_here(post):
        return None
    op = {EDIT: Delivery.Op.EDIT, QUOTE: Delivery.Op.QUOTE}.get(plan.how, Delivery.Op.THREAD)
    return _add(post, op, revision=revision, why=plan.why, after=_latest(post))


def remove(post: Post, notice: str) -> list[Delivery]:
    """Delete the post from its platform and say publicly why. A post whose publication was
    never sent is simply not sent: its delivery is cancelled, and no notice is needed. (A post
    adopted from its link is on its platform already.)"""
    if delivered_here(post):
        return []
    unsent = post.deliveries.filter(status=Delivery.Status.PENDING, tries=0, attempts=None)
    published = post.deliveries.filter(op=Delivery.Op.PUBLISH).exclude(pk__in=unsent.values("pk"))
    # An adopted post was made on its platform outside Amends: it is there without a delivery.
    if not published.exists() and not Copy.objects.filter(post=post).exists():
        unsent.update(status=Delivery.Status.CANCELLED, error="the post was deleted first")
        return []
    unsent.update(status=Delivery.Status.CANCELLED, error="the post was deleted first")
    # A correction still waiting for a retry would send wording that is being taken down.
    post.deliveries.filter(
        status=Delivery.Status.PENDING,
        op__in=[Delivery.Op.EDIT, Delivery.Op.THREAD, Delivery.Op.QUOTE],
    ).update(status=Delivery.Status.CANCELLED, error="the post was deleted first")
    deletion = _add(post, Delivery.Op.DELETE, why="the post removed", after=_latest(post))
    said = _add(post, Delivery.Op.NOTICE, notice=notice, why="the public notice", after=deletion)
    return [deletion, said]


def plan(
    post: Post,
    old: str,
    new: str,
    reason: str,
    *,
    as_reply: bool = False,
    as_quote: bool = False,
    at=None,
) -> Plan:
    """How a correction of ``post`` would reach its platform now: edit or reply, and the exact
    text, measured against the platform's limit. Shown before anything is sent."""
    from amends.connectors.strategy import plan_correction

    copy = getattr(post, "copy", None)  # None until the post has reached its platform
    edits = post.deliveries.filter(op=Delivery.Op.EDIT).exclude(
        status__in=[Delivery.Status.CANCELLED, Delivery.Status.FAILED]
    )
    # Edits made before Amends knew the post (an adopted X Post's edit history) count too.
    done = edits.filter(status=Delivery.Status.DONE).count()
    before = max(0, copy.edits - done) if copy else 0
    return plan_correction(
        rules_for(post.account),
        old=old,
        new=new,
        reason=reason,
        at=at or now(),
        zone=timezone.get_default_timezone(),
        published_at=copy.published_at if copy else post.created_at,
        edits=before + edits.count(),
        as_reply=as_reply,
        as_quote=as_quote,
    )
