"""The delivery worker, in small steps that tests call directly.

1. **Claim** up to ``AMENDS_DELIVERY_BATCH`` due deliveries in one transaction (with
   ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so any number of workers can run side by side and
   each delivery is held by one at a time), and record each one's attempt as started in that
   same transaction, committed *before* anything is sent. A claim is a lease: a worker that dies
   gives its deliveries up when the lease runs out, and a lease running out while a slow
   platform holds the rest of a batch is renewed first.
2. **Reconcile** a delivery whose lease ran out while another worker held it (that worker was
   killed between sending and recording): ask the platform whether the post exists before
   sending.
3. **Send**, one at a time, in order.
4. **Record** each outcome with its record entry (:mod:`amends.delivery.books`): done, a retry
   with exponential backoff, or failed (a permanent error, or out of tries). The run loop hands
   outcomes to a thread that writes them while the next deliveries are sent; :meth:`Worker.step`
   writes at once.
"""

import logging
import os
import signal
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Q

from amends.clock import now
from amends.connectors import Connector, PlatformError, Remote, connector_for
from amends.connectors.credentials import CredentialsError
from amends.connectors.errors import ByHand
from amends.connectors.http import Seam
from amends.delivery import books, wording
from amends.delivery.books import Books, Result, Tally, backoff
from amends.delivery.models import Attempt, Delivery, Pause

logger = logging.getLogger(__name__)
Op, Status, Outcome = Delivery.Op, Delivery.Status, Attempt.Outcome
UNKNOWN = "the worker stopped before recording the outcome; the platform is asked before sending"

__all__ = ["Tally", "Worker", "backoff"]


def _due():
    at = now()
    return (
        Delivery.objects.filter(
            Q(status=Status.PENDING, due_at__lte=at) | Q(status=Status.SENDING, lease_until__lt=at)
        )
        .filter(Q(after__isnull=True) | Q(after__status=Status.DONE))
        .order_by("due_at", "pk")
    )


def _paused() -> bool:
    return Pause.objects.filter(resumed_at__isnull=True).exists()


def _summary(exchanges) -> tuple[str, str]:
    request = "\n".join(str(e) for e in exchanges)
    response = "\n".join(f"{e.status}: {e.response}" for e in exchanges if e.response)
    return request, response[:4000]


class Worker:
    def __init__(
        self,
        name: str | None = None,
        *,
        seams: dict[str, Seam] | None = None,
        write_behind: bool = True,
    ):
        """``write_behind``: the run loop writes outcomes in a thread of its own while it sends
        the next deliveries; False writes each before the next is sent (tests)."""
        self.write_behind = write_behind
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 10000}"
        self.tally = Tally()
        self.stopping = threading.Event()
        self._connectors: dict[tuple, Connector] = {}
        self._seams = seams or {}
        self._watched_at = 0.0
        self._notified_at = 0.0
        self._witnessed_at = 0.0
        self._indexed_at = 0.0

    # Claiming

    def claim_batch(self, limit: int) -> list[Delivery]:
        """Take up to ``limit`` due deliveries, oldest first, each with an attempt recorded as
        started, in one transaction. A delivery whose worker died (its lease ran out while it
        was being sent) comes back marked ``reconcile``: the platform is asked before sending.
        While sending is paused, nothing is taken."""
        if _paused():
            return []
        with transaction.atomic():
            due = _due().select_related("account", "post__copy", "post__in_reply_to__copy")
            if connection.vendor == "postgresql":
                due = due.select_for_update(skip_locked=True, of=("self",))
            claimed = list(due[:limit])
            if not claimed:
                return []
            lease = now() + timedelta(seconds=settings.DELIVERY_LEASE)
            # The rows are ours until this commits: locked on PostgreSQL, and SQLite's
            # transactions here take the write lock when they begin.
            Delivery.objects.filter(pk__in=[d.pk for d in claimed]).update(
                status=Status.SENDING, lease_until=lease, worker=self.name
            )
            unknown = [d.pk for d in claimed if d.status == Status.SENDING]
            if unknown:
                Attempt.objects.filter(delivery__in=unknown, outcome=Outcome.STARTED).update(
                    outcome=Outcome.RETRY, error=UNKNOWN
                )
            started = now()
            attempts = Attempt.objects.bulk_create(
                Attempt(delivery=d, started_at=started, outcome=Outcome.STARTED, worker=self.name)
                for d in claimed
            )
        for delivery, attempt in zip(claimed, attempts, strict=True):
            delivery.reconcile = delivery.status == Status.SENDING
            delivery.attempt = attempt
            delivery.status, delivery.lease_until, delivery.worker = (
                Status.SENDING,
                lease,
                self.name,
            )
        return claimed

    def claim(self) -> Delivery | None:
        """Take the next due delivery, or None when nothing is due."""
        claimed = self.claim_batch(1)
        return claimed[0] if claimed else None

    def hold(self, delivery: Delivery) -> bool:
        """Renew the lease of a claimed delivery if half of it has gone (a slow platform ahead
        of it in the batch); False if it is no longer this worker's."""
        left = (delivery.lease_until - now()).total_seconds()
        if left > settings.DELIVERY_LEASE / 2:
            return True
        lease = now() + timedelta(seconds=settings.DELIVERY_LEASE)
        renewed = Delivery.objects.filter(
            pk=delivery.pk,
            status=Status.SENDING,
            worker=self.name,
            lease_until=delivery.lease_until,
            lease_until__gt=now(),
        ).update(lease_until=lease)
        if renewed:
            delivery.lease_until = lease
        return bool(renewed)

    def give_back(self, deliveries: list[Delivery]) -> None:
        """Return claimed deliveries that were never sent (the worker is stopping). Their
        started attempts are removed, since nothing was tried; one whose outcome was unknown
        when claimed stays to be asked about."""
        with transaction.atomic():
            for delivery in deliveries:
                held = Delivery.objects.filter(
                    pk=delivery.pk, worker=self.name, lease_until=delivery.lease_until
                )
                if delivery.reconcile:
                    taken = held.update(lease_until=now())
                else:
                    taken = held.update(status=Status.PENDING, lease_until=None, worker="")
                if taken:
                    Attempt.objects.filter(pk=delivery.attempt.pk).delete()

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
        """Deliver one due delivery and record the outcome. False when nothing was due."""
        delivery = self.claim()
        if delivery is None:
            return False
        books.write([self.attempt(delivery)], self.tally)
        return True

    def attempt(self, delivery: Delivery) -> Result:
        """Try a claimed delivery on its platform (asking first if an earlier outcome is
        unknown); what happened, to be recorded."""
        try:
            connector = self.connector(delivery.account)
        except CredentialsError as failure:  # the key is missing or wrong: tried again later
            error = PlatformError(failure.message)
            return Result(delivery, delivery.attempt, Outcome.SENT, 0.0, "", "", error=error)
        connector.seam.take()
        started = time.perf_counter()
        remote, error, outcome, shows = None, None, Outcome.SENT, None
        try:
            because = wording.replan(delivery, connector, now())
            if because:
                delivery.op, delivery.replanned = Op.THREAD, because
                delivery.why = f"sent as a reply in the post's thread instead ({because})"
            text = wording.text_of(delivery, connector)
            if delivery.reconcile:
                remote = self.reconcile(delivery, connector, text)
                outcome = Outcome.FOUND if remote is not None else Outcome.SENT
            if remote is None:
                remote = self.send(delivery, connector, text)
            if delivery.op in (Op.PUBLISH, Op.EDIT):
                shows = connector.comparable(remote.text if remote.text is not None else text)
        except PlatformError as failure:
            error = failure
        except Exception as failure:  # a bug, or a library's own error: retried, never lost
            logger.exception("delivery %s: unexpected error", delivery.pk)
            error = PlatformError(f"{connector.name}: unexpected error: {failure!r}")
        request, response = _summary(connector.seam.take())
        ms = (time.perf_counter() - started) * 1000
        return Result(
            delivery, delivery.attempt, outcome, ms, request, response, remote, error, shows
        )

    def send(self, delivery: Delivery, connector: Connector, text: str) -> Remote:
        post, key = delivery.post, delivery.key
        if delivery.op in connector.capabilities.by_hand:
            return self.by_hand(delivery, connector, text)
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

    def by_hand(self, delivery: Delivery, connector: Connector, text: str) -> Remote:
        """A step the platform's API cannot take: done when the platform shows it done (the
        new wording, the post gone) where it can be read; until then, what a person must do
        (raised as :class:`ByHand`, and looked for again later)."""
        copy = getattr(delivery.post, "copy", None)
        remote = copy.remote() if copy is not None else None
        if remote is not None and connector.reads and delivery.op in (Op.EDIT, Op.DELETE):
            now_shows = connector.fetch(remote)
            if delivery.op == Op.DELETE and now_shows is None:
                return remote
            edited = now_shows is not None and delivery.op == Op.EDIT
            if edited and connector.comparable(now_shows.text or "") == connector.comparable(text):
                return now_shows
        raise ByHand(connector.by_hand(delivery.op, text, remote))

    def reconcile(self, delivery: Delivery, connector: Connector, text: str) -> Remote | None:
        """What the platform has of an attempt whose outcome was never recorded."""
        if delivery.op == Op.DELETE:
            gone = connector.fetch(delivery.post.copy.remote()) is None
            return delivery.post.copy.remote() if gone else None
        return connector.find(delivery.key, text)

    # Running

    def run(self, *, once: bool = False, idle: float = 1.0) -> Tally:
        """Deliver until stopped (SIGTERM or SIGINT finish the delivery in hand and record
        what was sent, then stop); with ``once``, until nothing is due. Checks for outside
        changes when they are due."""
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: self.stopping.set())
        outcomes = Books(self.tally, behind=self.write_behind)
        try:
            while not self.stopping.is_set():
                if not connection.in_atomic_block:  # never in the middle of a caller's work
                    close_old_connections()
                try:
                    claimed = self.claim_batch(settings.DELIVERY_BATCH)
                    if not claimed:
                        # What is still being written may make more due (a post's next step).
                        outcomes.settle()
                        claimed = self.claim_batch(settings.DELIVERY_BATCH)
                    self._send_all(claimed, outcomes)
                    self.watch_if_due()
                    self.notify_if_due()
                    self.witness_if_due()
                except DatabaseError:
                    logger.exception("the worker could not reach the database; trying again")
                    claimed = []
                if once and not claimed:
                    break
                if not claimed:
                    self.stopping.wait(idle)
        finally:
            outcomes.close()
        return self.tally

    def _send_all(self, claimed: list[Delivery], outcomes: Books) -> None:
        for n, delivery in enumerate(claimed):
            # Pausing stops the batch in hand too, before its next send.
            if self.stopping.is_set() or _paused():
                self.give_back(claimed[n:])
                return
            if self.hold(delivery):
                outcomes.put(self.attempt(delivery))

    def notify_if_due(self) -> None:
        """Every half minute: tell the next people about alerts nobody acted on, and raise
        urgent removals whose review is overdue."""
        if time.monotonic() - self._notified_at < 30:
            return
        self._notified_at = time.monotonic()
        from amends.notify import events

        events.safely(events.escalate_and_chase)

    def witness_if_due(self) -> None:
        """Every few seconds, see whether the witnesses are due the latest checkpoint
        (amends.witness.asking.ask_if_due keeps to AMENDS_WITNESS_INTERVAL), whether the daily
        timestamp is due, check the Webmentions received since and send those owed, and gather
        what the public did about open incidents' posts (amends.copies.gathering)."""
        if time.monotonic() - self._witnessed_at < 5:
            return
        self._witnessed_at = time.monotonic()
        from amends.copies.gathering import gather_due
        from amends.copies.sending import send_due
        from amends.copies.wayback import look_up_due
        from amends.copies.webmention import verify_due
        from amends.witness.asking import ask_if_due
        from amends.witness.timestamps import stamp_if_due

        due_now = [ask_if_due, stamp_if_due, verify_due, send_due, gather_due, look_up_due]
        if time.monotonic() - self._indexed_at >= 300:  # revisions left without a fingerprint
            from amends.copies.matching import index_missing

            self._indexed_at = time.monotonic()
            due_now.append(index_missing)
        for due in due_now:
            try:
                due()
            except Exception:
                # A witness's, an authority's or a linking site's trouble never stops delivery.
                logger.exception("%s failed", due.__name__)

    def watch_if_due(self) -> None:
        minutes = settings.WATCH_MINUTES
        if not minutes or time.monotonic() - self._watched_at < minutes * 60:
            return
        from amends.delivery import watch

        self._watched_at = time.monotonic()
        self.tally.changes += len(watch.check(self))
