"""The delivery worker, in small steps that tests call directly.

One step claims one due delivery, tells the platform, and records what happened:

1. **Claim** with a conditional update (and ``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so any
   number of workers can run side by side and each delivery is held by one at a time. A claim
   is a lease: a worker that dies gives its delivery up when the lease runs out.
2. **Reconcile** when an earlier attempt was started but never finished (the worker was killed
   between sending and recording): ask the platform whether the post exists before sending.
3. **Record the attempt as started**, committed *before* anything is sent.
4. **Send**, then record the outcome with the record entry in one transaction: done, a retry
   with exponential backoff, or failed (a permanent error, or out of tries).
"""

import logging
import os
import random
import signal
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Q

from amends.connectors import Connector, PlatformError, Remote, connector_for
from amends.connectors.http import Seam
from amends.delivery.models import Attempt, Copy, Delivery
from amends.desk.actions.base import now
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


def backoff(tries: int) -> float:
    """Seconds before try ``tries + 1``: doubling from the base up to the cap, with jitter so
    that many deliveries waiting on one platform do not all return at the same moment."""
    ceiling = min(
        settings.DELIVERY_BACKOFF_BASE * 2 ** max(tries - 1, 0), settings.DELIVERY_BACKOFF_MAX
    )
    return ceiling * random.uniform(0.5, 1.0)


def _due():
    at = now()
    return (
        Delivery.objects.filter(
            Q(status=Status.PENDING, due_at__lte=at) | Q(status=Status.SENDING, lease_until__lt=at)
        )
        .filter(Q(after__isnull=True) | Q(after__status=Status.DONE))
        .order_by("due_at", "pk")
    )


def _summary(exchanges) -> tuple[str, str]:
    request = "\n".join(str(e) for e in exchanges)
    response = "\n".join(f"{e.status}: {e.response}" for e in exchanges if e.response)
    return request, response[:4000]


class Worker:
    def __init__(self, name: str | None = None, *, seams: dict[str, Seam] | None = None):
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 10000}"
        self.tally = Tally()
        self.stopping = threading.Event()
        self._connectors: dict[tuple, Connector] = {}
        self._seams = seams or {}
        self._watched_at = 0.0

    # Claiming

    def claim(self) -> Delivery | None:
        """Take the next due delivery, or None when nothing is due.

        A pending delivery is claimed and its attempt recorded as started in one transaction,
        before anything is sent. A delivery whose worker died (its lease ran out while it was
        being sent) is claimed without a new attempt: :meth:`deliver` asks the platform first.
        """
        for _ in range(5):
            with transaction.atomic():
                due = _due().select_related("account", "post")
                if connection.vendor == "postgresql":
                    due = due.select_for_update(skip_locked=True, of=("self",))
                delivery = due.first()
                if delivery is None:
                    return None
                lease = now() + timedelta(seconds=settings.DELIVERY_LEASE)
                taken = Delivery.objects.filter(
                    pk=delivery.pk, status=delivery.status, lease_until=delivery.lease_until
                ).update(status=Status.SENDING, lease_until=lease, worker=self.name)
                if taken and delivery.status == Status.PENDING:
                    delivery.attempt = Attempt.objects.create(
                        delivery=delivery,
                        started_at=now(),
                        outcome=Outcome.STARTED,
                        worker=self.name,
                    )
            if taken:
                delivery.status, delivery.lease_until, delivery.worker = (
                    Status.SENDING,
                    lease,
                    self.name,
                )
                return delivery
        return None

    # Delivering

    def connector(self, account) -> Connector:
        """One connector per account for the worker's life: a platform session (a login) is
        made once, not once per delivery."""
        cache = (account.pk, bytes(account.secrets or b""), repr(sorted(account.settings.items())))
        if cache not in self._connectors:
            seam = self._seams.get(account.platform)
            self._connectors[cache] = connector_for(account, seam=seam)
        return self._connectors[cache]

    def step(self) -> bool:
        """Deliver one due delivery. False when nothing was due."""
        delivery = self.claim()
        if delivery is None:
            return False
        self.deliver(delivery)
        return True

    def deliver(self, delivery: Delivery) -> str:
        connector = self.connector(delivery.account)
        connector.seam.take()
        attempt = getattr(delivery, "attempt", None)
        unfinished = delivery.attempts.filter(outcome=Outcome.STARTED)
        if attempt is None and unfinished.exists():
            started = time.perf_counter()
            try:
                remote = self.reconcile(delivery, connector)
            except PlatformError as error:
                attempt = Attempt.objects.create(
                    delivery=delivery, started_at=now(), outcome=Outcome.STARTED, worker=self.name
                )
                return self._failed(delivery, attempt, connector, error, started)
            unfinished.update(
                outcome=Outcome.RETRY,
                error="the worker stopped before recording the outcome; asked the platform",
            )
            if remote is not None:
                attempt = Attempt.objects.create(
                    delivery=delivery, started_at=now(), outcome=Outcome.STARTED, worker=self.name
                )
                return self._done(delivery, attempt, connector, remote, started, Outcome.FOUND)
        if attempt is None:
            # Committed before anything is sent: after a crash, the next worker reconciles.
            attempt = Attempt.objects.create(
                delivery=delivery, started_at=now(), outcome=Outcome.STARTED, worker=self.name
            )
        started = time.perf_counter()
        try:
            remote = self.send(delivery, connector)
        except PlatformError as error:
            return self._failed(delivery, attempt, connector, error, started)
        except Exception as error:  # a bug, or a library's own error: retried, never lost
            logger.exception("delivery %s: unexpected error", delivery.pk)
            failure = PlatformError(f"{connector.name}: unexpected error: {error!r}")
            return self._failed(delivery, attempt, connector, failure, started)
        return self._done(delivery, attempt, connector, remote, started, Outcome.SENT)

    def send(self, delivery: Delivery, connector: Connector) -> Remote:
        post, key, text = delivery.post, delivery.key, delivery.text
        if delivery.op == Op.NOTICE:
            return connector.publish(text, key=key)
        if delivery.op == Op.PUBLISH:
            if post.in_reply_to_id is None:
                return connector.publish(text, key=key)
            return connector.reply(post.in_reply_to.copy.remote(), text, key=key)
        copy = post.copy
        if delivery.op == Op.EDIT:
            return connector.edit(copy.remote(), text, key=key)
        if delivery.op == Op.THREAD:
            return connector.reply(copy.remote(), text, key=key)
        if delivery.op == Op.QUOTE:
            return connector.quote(copy.remote(), text, key=key)
        connector.delete(copy.remote())
        return copy.remote()

    def reconcile(self, delivery: Delivery, connector: Connector) -> Remote | None:
        """What the platform has of an attempt whose outcome was never recorded."""
        if delivery.op == Op.DELETE:
            gone = connector.fetch(delivery.post.copy.remote()) is None
            return delivery.post.copy.remote() if gone else None
        return connector.find(delivery.key, delivery.text)

    def _done(self, delivery, attempt, connector, remote: Remote, started, outcome) -> str:
        at = now()
        request, response = _summary(connector.seam.take())
        post = delivery.post
        with transaction.atomic():
            attempt.outcome, attempt.ms = outcome, (time.perf_counter() - started) * 1000
            attempt.request, attempt.response = request, response
            attempt.save(update_fields=["outcome", "ms", "request", "response"])
            delivery.status, delivery.done_at, delivery.error = Status.DONE, at, ""
            delivery.remote_id, delivery.remote_url = remote.id[:500], remote.url[:1000]
            delivery.lease_until = None
            delivery.save(
                update_fields=[
                    "status",
                    "done_at",
                    "error",
                    "remote_id",
                    "remote_url",
                    "lease_until",
                ]
            )
            self._update_copy(delivery, remote, at)
            record.append(
                "delivery.sent",
                {
                    "delivery": delivery.pk,
                    "post": post.pk,
                    "account": str(delivery.account),
                    "op": delivery.op,
                    "remote": remote.id,
                    "url": remote.url,
                    "found": outcome == Outcome.FOUND,
                },
                subject=post.subject,
            )
        if outcome == Outcome.FOUND:
            self.tally.found += 1
        else:
            self.tally.sent += 1
        return outcome

    def _update_copy(self, delivery: Delivery, remote: Remote, at) -> None:
        op, post = delivery.op, delivery.post
        expected = remote.text if remote.text is not None else delivery.text
        if op == Op.PUBLISH:
            Copy.objects.create(
                post=post,
                remote_id=remote.id,
                url=remote.url,
                extra=remote.extra,
                expected=expected,
                published_at=at,
                active_at=at,
            )
        elif op == Op.EDIT:
            Copy.objects.filter(post=post).update(
                remote_id=remote.id,
                url=remote.url or post.copy.url,
                extra=remote.extra or post.copy.extra,
                expected=expected,
                edits=post.copy.edits + 1,
                active_at=at,
            )
        elif op in (Op.THREAD, Op.QUOTE):
            Copy.objects.filter(post=post).update(active_at=at)
        elif op == Op.DELETE:
            Copy.objects.filter(post=post).update(gone_at=at, active_at=at)

    def _failed(self, delivery, attempt, connector, error: PlatformError, started) -> str:
        request, response = _summary(connector.seam.take())
        tries = delivery.tries + 1
        final = error.permanent or tries >= settings.DELIVERY_ATTEMPTS
        with transaction.atomic():
            attempt.outcome = Outcome.FAILED if final else Outcome.RETRY
            attempt.ms = (time.perf_counter() - started) * 1000
            attempt.request, attempt.response, attempt.error = request, response, str(error)
            attempt.save()
            delivery.tries, delivery.error, delivery.lease_until = tries, str(error), None
            if final:
                delivery.status = Status.FAILED
                record.append(
                    "delivery.failed",
                    {
                        "delivery": delivery.pk,
                        "post": delivery.post_id,
                        "account": str(delivery.account),
                        "op": delivery.op,
                        "error": str(error)[:1000],
                        "permanent": error.permanent,
                    },
                    subject=f"post:{delivery.post_id}",
                )
            else:
                delivery.status = Status.PENDING
                delivery.due_at = now() + timedelta(seconds=backoff(tries))
            delivery.save()
        if final:
            self.tally.failed += 1
            logger.warning("delivery %s failed: %s", delivery.pk, error)
            return Outcome.FAILED
        self.tally.retried += 1
        return Outcome.RETRY

    # Running

    def run(self, *, once: bool = False, idle: float = 1.0) -> Tally:
        """Deliver until stopped (SIGTERM or SIGINT finish the delivery in hand, then stop);
        with ``once``, until nothing is due. Checks for outside changes when they are due."""
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.stopping.set())
        while not self.stopping.is_set():
            close_old_connections()
            try:
                did = self.step()
                self.watch_if_due()
            except DatabaseError:
                logger.exception("the worker could not reach the database; trying again")
                did = False
            if once and not did:
                break
            if not did:
                self.stopping.wait(idle)
        return self.tally

    def watch_if_due(self) -> None:
        minutes = settings.WATCH_MINUTES
        if not minutes or time.monotonic() - self._watched_at < minutes * 60:
            return
        from amends.delivery import watch

        self._watched_at = time.monotonic()
        self.tally.changes += len(watch.check(self))
