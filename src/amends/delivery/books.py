"""Recording what the platforms answered: the attempt, the delivery, the copy and the record
entry of each outcome, written together.

The worker sends while the outcomes of earlier sends are being written: :class:`Books` runs a
thread of its own that takes every outcome waiting and writes them in one transaction, with
their record entries appended as one batch. Nothing here can lose a delivery: until its outcome
is written, its attempt stays ``started``, so if the process dies (or the database refuses the
write) the delivery's lease runs out and the next worker asks the platform before sending again.
"""

import logging
import queue
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F

from amends.clock import now
from amends.connectors import PlatformError, Remote
from amends.connectors.errors import ByHand
from amends.connectors.http import scrub
from amends.delivery.models import Attempt, Copy, Delivery
from amends.notify import events as tell
from amends.record import api as record

logger = logging.getLogger(__name__)
Op, Status, Outcome = Delivery.Op, Delivery.Status, Attempt.Outcome


@dataclass
class Tally:
    sent: int = 0
    found: int = 0
    retried: int = 0
    failed: int = 0
    changes: int = 0
    started: float = field(default_factory=time.monotonic)

    def __str__(self) -> str:
        took = time.monotonic() - self.started
        return (
            f"{self.sent} sent, {self.found} found already sent, {self.retried} to retry, "
            f"{self.failed} failed, {self.changes} outside changes, in {took:.1f} s"
        )


@dataclass
class Result:
    """What one attempt came to: a ``remote`` post (sent, or found already there) or an
    ``error``; the exchanges summarised; when it ended."""

    delivery: Delivery
    attempt: Attempt
    outcome: str  # Outcome.SENT or Outcome.FOUND when done; else decided from the error
    ms: float
    request: str
    response: str
    remote: Remote | None = None
    error: PlatformError | None = None
    # What the platform now shows of a published or edited post, in its comparable form: kept
    # only as a fingerprint on the post's copy.
    shows: str | None = None
    at: datetime = field(default_factory=now)


def backoff(tries: int) -> float:
    """Seconds before try ``tries + 1``: doubling from the base up to the cap, with jitter so
    that many deliveries waiting on one platform do not all return at the same moment."""
    ceiling = min(
        settings.DELIVERY_BACKOFF_BASE * 2 ** max(tries - 1, 0), settings.DELIVERY_BACKOFF_MAX
    )
    return ceiling * random.uniform(0.5, 1.0)


ATTEMPT_FIELDS = ["outcome", "ms", "error", "request", "response"]
DELIVERY_FIELDS = [
    "op",  # an edit past its window goes as a reply: re-planned when it is sent
    "why",
    "status",
    "done_at",
    "error",
    "remote_id",
    "remote_url",
    "lease_until",
    "tries",
    "due_at",
    "by_hand",
]


def write(results: list[Result], tally: Tally) -> None:
    """Write the outcomes in one transaction: the attempts and the deliveries each in one
    statement, the copies, and the record entries appended as one batch."""
    events = []
    with transaction.atomic():
        for result in results:
            if result.error is None:
                events.append(_done(result))
            else:
                events.extend(_failed(result))
        _update_rows(Attempt, [r.attempt for r in results], ATTEMPT_FIELDS)
        _update_rows(Delivery, [r.delivery for r in results], DELIVERY_FIELDS)
        published = [r for r in results if r.error is None and r.delivery.op == Op.PUBLISH]
        Copy.objects.bulk_create(_new_copy(r) for r in published)
        for result in results:
            if result.error is None and result.delivery.op != Op.PUBLISH:
                _update_copy(result)
        record.append_events(events)
    for result in results:
        outcome = result.attempt.outcome
        if outcome == Outcome.SENT:
            tally.sent += 1
        elif outcome == Outcome.FOUND:
            tally.found += 1
        elif outcome == Outcome.FAILED:
            tally.failed += 1
            logger.warning("delivery %s failed: %s", result.delivery.pk, result.error)
            tell.safely(tell.delivery_failed, result.delivery)
        else:
            tally.retried += 1


def _update_rows(model, objects: list, fields: list[str]) -> None:
    """One UPDATE of ``fields`` per object, sent as one batch (Django's bulk_update builds a
    CASE expression per field and row, which costs more than the statements it saves)."""
    if not objects:
        return
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(meta.db_table),
        ", ".join(f"{quote(column.column)} = %s" for column in columns),
        quote(meta.pk.column),
    )
    rows = [
        [c.get_db_prep_save(getattr(o, c.attname), connection) for c in columns] + [o.pk]
        for o in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _attempt(result: Result, outcome: str, error: str = "") -> None:
    attempt = result.attempt
    attempt.outcome, attempt.ms, attempt.error = outcome, result.ms, error
    attempt.request, attempt.response = result.request, result.response


def _done(result: Result) -> record.Event:
    delivery, remote = result.delivery, result.remote
    _attempt(result, result.outcome)
    delivery.status, delivery.done_at, delivery.error = Status.DONE, result.at, ""
    delivery.remote_id, delivery.remote_url = remote.id[:500], remote.url[:1000]
    delivery.lease_until = None
    return record.event(
        "delivery.sent",
        {
            "delivery": delivery.pk,
            "post": delivery.post_id,
            "account": str(delivery.account),
            "op": delivery.op,
            **({"replanned": delivery.replanned} if getattr(delivery, "replanned", "") else {}),
            # Done by a person in the platform's app, and seen done there (or confirmed).
            **({"by_hand": True} if delivery.by_hand else {}),
            "remote": remote.id,
            "url": remote.url,
            "found": result.outcome == Outcome.FOUND,
        },
        subject=f"post:{delivery.post_id}",
    )


def _new_copy(result: Result) -> Copy:
    delivery, remote, at = result.delivery, result.remote, result.at
    copy = Copy(
        post_id=delivery.post_id,
        remote_id=remote.id,
        url=remote.url,
        extra=remote.extra,
        published_at=at,
        active_at=at,
    )
    copy.expect(result.shows or "")
    return copy


def _update_copy(result: Result) -> None:
    """The post's copy after an edit, a reply in its thread, a quote or its deletion."""
    delivery, remote, at = result.delivery, result.remote, result.at
    op = delivery.op
    copies = Copy.objects.filter(post_id=delivery.post_id)
    if op == Op.EDIT:
        copy = copies.get()
        copy.expect(result.shows or "")
        copies.update(
            remote_id=remote.id,
            url=remote.url or copy.url,
            extra=remote.extra or copy.extra,
            expected=copy.expected,
            salt=copy.salt,
            edits=F("edits") + 1,
            active_at=at,
        )
    elif op in (Op.THREAD, Op.QUOTE):
        copies.update(active_at=at)
    elif op == Op.DELETE:
        copies.update(gone_at=at, active_at=at)


def _waiting_for_hand(result: Result, error: ByHand) -> list[record.Event]:
    """Not a failure: a person must do it in the platform's app. Looked for again every
    AMENDS_BY_HAND_CHECK_SECONDS, never given up; recorded once, when it starts to wait."""
    delivery, first = result.delivery, not result.delivery.by_hand
    _attempt(result, Outcome.RETRY, error.instructions)
    delivery.by_hand, delivery.error, delivery.lease_until = True, error.instructions, None
    delivery.status = Status.PENDING
    delivery.due_at = result.at + timedelta(seconds=settings.BY_HAND_CHECK_SECONDS)
    if not first:
        return []
    return [
        record.event(
            "delivery.by_hand",
            {
                "delivery": delivery.pk,
                "post": delivery.post_id,
                "account": str(delivery.account),
                "op": delivery.op,
                "what": error.instructions[:1000],
            },
            subject=f"post:{delivery.post_id}",
        )
    ]


def _failed(result: Result) -> list[record.Event]:
    delivery, error = result.delivery, result.error
    if isinstance(error, ByHand):
        return _waiting_for_hand(result, error)
    tries = delivery.tries + 1
    final = error.permanent or tries >= settings.DELIVERY_ATTEMPTS
    said = scrub(str(error))  # a platform's words, never a token it echoed
    _attempt(result, Outcome.FAILED if final else Outcome.RETRY, said)
    delivery.tries, delivery.error, delivery.lease_until = tries, said, None
    if not final:
        delivery.status = Status.PENDING
        delivery.due_at = result.at + timedelta(seconds=backoff(tries))
        return []
    delivery.status = Status.FAILED
    return [
        record.event(
            "delivery.failed",
            {
                "delivery": delivery.pk,
                "post": delivery.post_id,
                "account": str(delivery.account),
                "op": delivery.op,
                "error": said[:1000],
                "permanent": error.permanent,
            },
            subject=f"post:{delivery.post_id}",
        )
    ]


class Books:
    """Writes outcomes in a thread of its own, every outcome waiting in one transaction.

    With ``behind=False`` each outcome is written when it is put, in the caller's thread (tests
    that run inside one database transaction cannot see another connection's work).
    """

    GROUP = 100  # outcomes written in one transaction at most
    GATHER = 0.05  # seconds an outcome waits for others to be written with it

    def __init__(self, tally: Tally, *, behind: bool = True):
        self.tally = tally
        self._waiting: queue.Queue[Result | None] = queue.Queue()
        self._thread = None
        if behind:
            self._thread = threading.Thread(target=self._run, name="amends-books", daemon=True)
            self._thread.start()

    def put(self, result: Result) -> None:
        if self._thread is None:
            self._write([result])
        else:
            self._waiting.put(result)

    def settle(self) -> None:
        """Return once every outcome put so far is written (or given up on)."""
        self._waiting.join()

    def close(self) -> None:
        if self._thread is not None:
            self.settle()
            self._waiting.put(None)
            self._thread.join()

    def _run(self) -> None:
        try:
            # close() puts None only once everything put before it is written.
            while (first := self._waiting.get()) is not None:
                group = [first]
                until = time.monotonic() + self.GATHER
                while len(group) < self.GROUP and (left := until - time.monotonic()) > 0:
                    try:
                        group.append(self._waiting.get(timeout=left))
                    except queue.Empty:
                        break
                try:
                    self._write(group)
                finally:
                    for _ in group:
                        self._waiting.task_done()
            self._waiting.task_done()
        finally:
            connection.close()

    def _write(self, group: list[Result]) -> None:
        if self._thread is not None:
            close_old_connections()
        try:
            write(group, self.tally)
            return
        except Exception:
            if len(group) == 1:
                logger.exception(
                    "delivery %s: could not record the outcome; the next worker will ask the "
                    "platform when its lease runs out",
                    group[0].delivery.pk,
                )
                return
        for result in group:  # one at a time, so that one bad row does not hold back the rest
            try:  # the failed transaction left its changes on these objects
                result.delivery.refresh_from_db()
                result.attempt.refresh_from_db()
            except Exception:
                logger.exception("delivery %s: could not re-read it", result.delivery.pk)
                continue
            self._write([result])
