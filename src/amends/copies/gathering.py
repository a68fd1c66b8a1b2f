"""Gathering what the public does about an incident's posts on their platforms — replies,
quotes, reposts, mentions — into the inbox (``copies.Mention``), and the copies among them
into the register: a quote or a repost is a copy of the revision the post had then, and a reply
or mention whose words are one of the force's posts re-typed is a copy found by its text.

Only posts of open incidents are watched. Each account is looked at through its connector
(:meth:`amends.connectors.base.Connector.engagement`) every :data:`FIRST` seconds while
something new turns up, twice as long after each quiet look, up to :data:`LONGEST`; a platform
that fails is left alone for longer the same way, so its rate limits are kept. What each look
cost in the platform's own unit is added up (X bills each post read: the desk shows it).
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.db import transaction

from amends.clock import now
from amends.connectors.base import Seen
from amends.connectors.errors import PlatformError
from amends.copies.models import Gathering, KnownCopy, Mention
from amends.desk.models import Post

logger = logging.getLogger(__name__)
FIRST, LONGEST = 300, 3600
NEAR = 0.5  # a reply's words this alike to a post's revision: a copy found by its text


def watched() -> dict[int, list[Post]]:
    """The posts of open incidents with a copy on a platform Amends gathers from, by account."""
    from amends.connectors import CONNECTORS
    from amends.copies.conversation import open_incidents_posts

    ids = open_incidents_posts()
    found: dict[int, list[Post]] = defaultdict(list)
    posts = Post.objects.filter(pk__in=ids, copy__isnull=False, copy__gone_at__isnull=True)
    for post in posts.select_related("account", "copy"):
        if CONNECTORS[post.account.platform].gathers:
            found[post.account_id].append(post)
    return found


def _revision_at(post: Post, at: datetime) -> int:
    """The revision ``post`` had at ``at`` (a quote or repost shows the post as it was then)."""
    found = post.revisions.filter(created_at__lte=at).order_by("-n").values_list("n", flat=True)
    return found.first() or 1


def keep(posts: dict[str, Post], seen: list[Seen]) -> int:
    """Keep what was seen (``posts`` by their Remote id); how many were new."""
    from amends.copies import register
    from amends.copies.matching import match

    new = 0
    at = now()
    for item in seen:
        post = posts.get(item.post)
        if post is None:
            continue
        _, made = Mention.objects.get_or_create(
            post=post,
            url=item.url[:2000],
            defaults={
                "kind": item.kind,
                "author": item.author[:300],
                "text": item.text,
                "at": item.at,
                "found_at": at,
            },
        )
        if not made:
            continue
        new += 1
        with transaction.atomic():
            if item.kind in ("quote", "repost"):
                if not KnownCopy.objects.filter(post=post, url=item.url).exists():
                    register.found(
                        post,
                        url=item.url,
                        found_by=item.kind,
                        revision=_revision_at(post, item.at),
                        actor=None,
                    )
            elif item.text:
                best = next(iter(match(item.text, floor=NEAR, shown=1)), None)
                if (
                    best is not None
                    and not KnownCopy.objects.filter(post_id=best.post, url=item.url).exists()
                ):
                    register.found(
                        Post.objects.get(pk=best.post),
                        url=item.url,
                        found_by="text",
                        revision=best.revision,
                        actor=None,
                        note=f"{item.kind} by {item.author}"[:2000],
                    )
    return new


def gather_due(connector_for=None) -> int:
    """Look at every account that is due; how many new things were found."""
    from amends.connectors import connector_for as default

    make = connector_for or default
    found = 0
    at = now()
    for account_id, posts in watched().items():
        state, _ = Gathering.objects.get_or_create(account_id=account_id, defaults={"due_at": at})
        if state.due_at > at:
            continue
        account = posts[0].account
        remotes = {post.copy.remote_id: post for post in posts}
        try:
            got = make(account).engagement([p.copy.remote() for p in posts], state.cursor)
        except PlatformError as error:
            logger.warning("gathering from %s: %s", account, error)
            state.problem = str(error)[:2000]
            state.interval = min(state.interval * 2, LONGEST)
        else:
            new = keep(remotes, got.seen)
            found += new
            state.cursor, state.problem = got.cursor, ""
            state.reads += got.reads
            state.looked_at = at
            state.interval = FIRST if new else min(state.interval * 2, LONGEST)
        state.due_at = at + timedelta(seconds=state.interval)
        state.save()
    return found
