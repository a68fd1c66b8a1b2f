"""Keeping received Webmentions and Pingbacks, many to a transaction (group commit).

A busy day brings mentions in bursts; committing each on its own makes every sender wait for
its own disk flush (SQLite's FULL synchronous mode) and for the others' write locks. Instead each
server process has one keeper thread: a request hands its mention over and waits; the keeper
takes everything handed over while the last commit ran, asks which of their posts exist, then,
in its turn to write, each sender's hourly allowance for the whole batch (a query each), writes
the batch in one statement and one commit, and only then answers every waiting request — so a
202 still means the mention is on disk. The requests themselves never touch the database: only
the keeper's one connection does, however many senders wait.

Inside a transaction the caller already holds (a test's, an import's), mentions are kept
there, directly: another thread's connection could not see that transaction.
"""

import contextlib
import enum
import fcntl
import logging
import queue
import threading
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from amends.copies.models import Webmention

logger = logging.getLogger(__name__)
BATCH = 500  # mentions in one commit, at most
WAIT = 30.0  # seconds a request waits for its commit before it is told to try again
TURN = 0x616D656E  # the class of the PostgreSQL advisory locks the keepers hold hosts by


class Kept(enum.Enum):
    """What became of one mention handed to be kept."""

    KEPT = "kept"
    LIMITED = "limited"  # past its sending host's hourly allowance
    NO_POST = "no post"  # its target names no post of this site


@dataclass
class _Handed:
    mention: Webmention
    done: threading.Event = field(default_factory=threading.Event)
    kept: Kept | None = None  # None: the commit failed


def existing_posts(mentions: list[Webmention]) -> set[int]:
    """Which of the posts ``mentions`` name exist (asked before the batch's write turn: posts
    are never deleted, so the answer holds until it commits)."""
    ids = sorted({m.post_id for m in mentions})
    with connection.cursor() as cursor:
        cursor.execute(EXISTING.format(ids=", ".join(["%s"] * len(ids))), ids)
        return {pk for (pk,) in cursor.fetchall()}


def keep_all(mentions: list[Webmention], posts: set[int] | None = None) -> list[Kept]:
    """Keep ``mentions`` (in the caller's transaction), each sending host held to its hourly
    allowance: for each, what became of it. ``posts``: which of their posts exist, if already
    asked (:func:`existing_posts`)."""
    if not mentions:
        return []
    if posts is None:
        posts = existing_posts(mentions)
    hosts = sorted({m.host for m in mentions if m.post_id in posts})
    if connection.vendor == "postgresql" and hosts:
        # The server processes' keepers run side by side, each holding its batch's sending
        # hosts until it commits: a host's allowance is counted and spent by one keeper at a
        # time, and the same mention (its host with it) is never written by two at once. Every
        # keeper takes its hosts in one order, so none waits on another that waits on it.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_advisory_xact_lock(%s, k)) FROM unnest(%s::int[]) AS k",
                [TURN, sorted({_lock_key(host) for host in hosts})],
            )
    since = min(m.received_at for m in mentions) - timedelta(hours=1)
    seen = _counted(hosts, since)
    kept: list[Kept] = []
    rows = {}
    for mention in mentions:
        if mention.post_id not in posts:
            kept.append(Kept.NO_POST)
            continue
        allowed = seen[mention.host] < settings.WEBMENTION_PER_HOST
        kept.append(Kept.KEPT if allowed else Kept.LIMITED)
        if allowed:
            seen[mention.host] += 1
            # The same source and target twice in one batch: one row (the later wins).
            rows[mention.source, mention.target] = mention
    if rows:
        _write([rows[key] for key in sorted(rows)])
    return kept


# A batch's statements, written out: the ORM's building of them was half the time a batch held
# the write turn (~0.6 ms of ~1.3 ms on SQLite) that every server process waits for, and most of
# the keeper's own time. Each runs on SQLite and PostgreSQL alike.
EXISTING = "SELECT id FROM desk_post WHERE id IN ({ids})"
COUNTED = (
    "SELECT host, COUNT(*) FROM copies_webmention"
    " WHERE host IN ({hosts}) AND received_at >= %s GROUP BY host"
)
WRITTEN = (
    "INSERT INTO copies_webmention"
    " (source, target, protocol, post_id, host, state, received_at, checked_at, problem, copy_id)"
    " VALUES {rows}"
    # A new mention is kept; the same one sent again (its source changed) is checked again.
    " ON CONFLICT (source, target) DO UPDATE SET state = excluded.state,"
    " received_at = excluded.received_at, protocol = excluded.protocol"
)


def _counted(hosts: list[str], since) -> Counter:
    """How many mentions each of ``hosts`` has had kept since ``since``."""
    if not hosts:
        return Counter()
    with connection.cursor() as cursor:
        cursor.execute(
            COUNTED.format(hosts=", ".join(["%s"] * len(hosts))),
            [*hosts, connection.ops.adapt_datetimefield_value(since)],
        )
        return Counter(dict(cursor.fetchall()))


def _write(mentions: list[Webmention]) -> None:
    values = []
    for m in mentions:
        at = connection.ops.adapt_datetimefield_value(m.received_at)
        values += [m.source, m.target, m.protocol, m.post_id, m.host, m.state, at, None, "", None]
    with connection.cursor() as cursor:
        cursor.execute(
            WRITTEN.format(
                rows=", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(mentions))
            ),
            values,
        )


def _lock_key(host: str) -> int:
    """A host's advisory lock (a signed 32-bit number, the same in every process)."""
    return zlib.crc32(host.encode()) - 2**31


class _Keeper:
    def __init__(self):
        self.handed: queue.Queue[_Handed] = queue.Queue()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def keep(self, mention: Webmention) -> Kept | None:
        handed = _Handed(mention)
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="mention-keeper", daemon=True)
                self.thread.start()
        self.handed.put(handed)
        if not handed.done.wait(WAIT):
            return None
        return handed.kept

    def _run(self) -> None:
        while True:
            batch = [self.handed.get()]
            while len(batch) < BATCH:
                try:
                    batch.append(self.handed.get_nowait())
                except queue.Empty:
                    break
            mentions = [h.mention for h in batch]
            try:
                close_old_connections()
                posts = existing_posts(mentions)  # before the write turn: nobody waits on it
                with _one_writer(), transaction.atomic():
                    kept = keep_all(mentions, posts)
                for handed, was in zip(batch, kept, strict=True):
                    handed.kept = was
            except Exception:
                logger.exception("%d mentions could not be kept", len(batch))
                connection.close()  # a fresh connection for the next batch
            finally:
                for handed in batch:
                    handed.done.set()


@contextlib.contextmanager
def _one_writer():
    """On SQLite, the server processes' keepers take turns through a lock file: a waiting one
    wakes the moment the other is done, where SQLite's own busy wait sleeps in steps of up to
    100 ms (the tail latency of a busy endpoint). On PostgreSQL, which has no single writer,
    :func:`keep_all` holds its batch's hosts by advisory locks inside the transaction instead."""
    if connection.vendor != "sqlite":
        yield
        return
    path = f"{connection.settings_dict['NAME']}.mentions.lock"
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_keeper = _Keeper()


def keep(mention: Webmention) -> Kept | None:
    """Keep one mention: what became of it once committed, or None when it could not be kept
    (the sender is told to try again)."""
    if connection.in_atomic_block:
        return keep_all([mention])[0]
    return _keeper.keep(mention)
