"""The worker's run loop: due deliveries claimed in batches, outcomes written by a thread of
their own while the next deliveries are sent, leases renewed behind a slow platform, and a stop
that gives back what was never sent.

The loop runs here with its outcomes written in line (``write_behind=False``): these tests run
inside one database transaction, which a second thread's connection cannot see. The thread
itself is tested with a recording writer below, and end to end by the worker processes of
test_bluesky_delivery.py and test_serve.py. The platform is the in-process test double
(tests/support/testbed.py).
"""

import json
import threading
from datetime import timedelta

from django.db import DatabaseError

from amends.actions import Correct, Publish
from amends.clock import now
from amends.delivery import books
from amends.delivery.models import Attempt, Delivery
from amends.delivery.worker import Worker
from amends.record import api as record

ORIGINAL = "The appeal closes on 4 May. Call 101."
FIXED = "The appeal closes on 14 May. Call 101."


def publish(people, count: int) -> list:
    return [
        Publish(people.alice, account="testbed:police", text=f"Update {n}").run()
        for n in range(count)
    ]


def sends(testbed) -> list[tuple]:
    return [call for call in testbed.BOARD.calls if call[0] in ("publish", "edit", "reply")]


def test_a_batch_is_claimed_oldest_first_each_with_its_attempt_started(people, testbed):
    posts = publish(people, 5)

    first = Worker(write_behind=False, name="one").claim_batch(3)
    second = Worker(write_behind=False, name="two").claim_batch(10)

    assert [d.post_id for d in first] == [p.pk for p in posts[:3]]
    assert [d.post_id for d in second] == [p.pk for p in posts[3:]]
    for delivery in first + second:
        stored = Delivery.objects.get(pk=delivery.pk)
        assert stored.status == "sending"
        assert stored.worker == delivery.worker
        assert [a.outcome for a in stored.attempts.all()] == ["started"]
    assert Worker(write_behind=False, name="three").claim_batch(10) == []


def test_the_run_loop_delivers_a_post_then_its_correction_in_order(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    Correct(people.alice, post=post.pk, text=FIXED, reason="Wrong date").run()

    tally = Worker(write_behind=False, name="loop").run(once=True)

    assert (tally.sent, tally.failed) == (2, 0)
    assert [call[0] for call in sends(testbed)] == ["publish", "edit"]
    (shown,) = testbed.BOARD.visible()
    assert shown.startswith(FIXED + "\n\nCorrection")
    assert set(Delivery.objects.values_list("status", flat=True)) == {"done"}
    sent = [e for e in record.entries(0, 10_000) if e.kind == "delivery.sent"]
    assert [json.loads(e.leaf)["data"]["op"] for e in sent] == ["publish", "edit"]


def test_stopping_mid_batch_gives_back_what_was_never_sent(people, testbed, monkeypatch):
    posts = publish(people, 4)
    worker = Worker(write_behind=False, name="stopping")
    publish_call = testbed.Testbed.publish

    def publish_then_stop(self, text, *, key):
        remote = publish_call(self, text, key=key)
        if len(sends(testbed)) == 2:
            worker.stopping.set()  # SIGTERM arrives while the second post is being sent
        return remote

    monkeypatch.setattr(testbed.Testbed, "publish", publish_then_stop)
    tally = worker.run(once=True)

    assert tally.sent == 2
    states = {d.post_id: d for d in Delivery.objects.all()}
    assert [states[p.pk].status for p in posts] == ["done", "done", "pending", "pending"]
    for post in posts[2:]:
        assert states[post.pk].worker == ""
        assert not Attempt.objects.filter(delivery=states[post.pk]).exists()  # nothing tried

    monkeypatch.setattr(testbed.Testbed, "publish", publish_call)
    Worker(write_behind=False, name="next").run(once=True)
    assert len(sends(testbed)) == 4
    assert sorted(testbed.BOARD.visible()) == [f"Update {n}" for n in range(4)]
    assert set(Attempt.objects.values_list("outcome", flat=True)) == {"sent"}


def test_a_lease_running_out_behind_a_slow_platform_is_renewed_before_sending(
    people, testbed, settings
):
    settings.DELIVERY_LEASE = 60
    publish(people, 2)
    worker = Worker(write_behind=False, name="slow")
    mine, theirs = worker.claim_batch(2)
    nearly = now() + timedelta(seconds=10)
    Delivery.objects.filter(pk__in=[mine.pk, theirs.pk]).update(lease_until=nearly)
    mine.lease_until = theirs.lease_until = nearly
    # Another worker took this one over after the lease ran out.
    Delivery.objects.filter(pk=theirs.pk).update(worker="other")

    assert worker.hold(mine)
    renewed = Delivery.objects.get(pk=mine.pk).lease_until
    assert renewed > now() + timedelta(seconds=50)
    assert renewed == mine.lease_until
    assert not worker.hold(theirs)
    assert Delivery.objects.get(pk=theirs.pk).lease_until == nearly


def test_a_delivery_no_longer_held_is_not_sent(people, testbed, monkeypatch):
    publish(people, 1)
    worker = Worker(write_behind=False, name="late")
    monkeypatch.setattr(worker, "hold", lambda delivery: False)
    claimed = worker.claim_batch(1)
    worker._send_all(claimed, books.Books(worker.tally, behind=False))
    assert sends(testbed) == []


def test_an_outcome_that_cannot_be_written_is_asked_about_not_sent_again(
    people, testbed, monkeypatch
):
    (post,) = publish(people, 1)
    write = books.write

    def database_gone(results, tally):
        raise DatabaseError("the database went away")

    monkeypatch.setattr(books, "write", database_gone)
    Worker(write_behind=False, name="unlucky").run(once=True)
    delivery = Delivery.objects.get(post=post)
    assert delivery.status == "sending"
    assert [a.outcome for a in delivery.attempts.all()] == ["started"]

    monkeypatch.setattr(books, "write", write)
    Delivery.objects.update(lease_until=now() - timedelta(seconds=1))
    tally = Worker(write_behind=False, name="next").run(once=True)

    assert (tally.found, tally.sent) == (1, 0)
    assert len(sends(testbed)) == 1
    assert testbed.BOARD.visible() == ["Update 0"]
    delivery.refresh_from_db()
    assert delivery.status == "done"
    assert [a.outcome for a in delivery.attempts.all()] == ["retry", "found"]


class Recorded:
    """Stands in for a delivery or an attempt in the writer-thread tests below: no database."""

    def __init__(self, pk):
        self.pk, self.refreshed = pk, 0

    def refresh_from_db(self):
        self.refreshed += 1


def outcome(n: int) -> books.Result:
    return books.Result(Recorded(n), Recorded(n), "sent", 1.0, "", "")


def test_outcomes_waiting_are_written_together_in_order_by_the_writer_thread(monkeypatch):
    groups, busy, entered = [], threading.Event(), threading.Event()

    def slow_write(results, tally):
        groups.append([r.delivery.pk for r in results])
        entered.set()
        busy.wait(5)  # the first group holds the writer while more outcomes arrive

    monkeypatch.setattr(books, "write", slow_write)
    writer = books.Books(books.Tally())
    writer.put(outcome(1))
    assert entered.wait(5)
    for n in range(2, 6):
        writer.put(outcome(n))
    busy.set()
    writer.settle()
    assert [pk for group in groups for pk in group] == [1, 2, 3, 4, 5]
    assert groups[:2] == [[1], [2, 3, 4, 5]]
    writer.put(outcome(6))
    writer.close()
    assert groups[-1] == [6]


def test_a_group_that_cannot_be_written_is_written_one_at_a_time(monkeypatch):
    written, calls, busy, entered = [], [], threading.Event(), threading.Event()

    def write(results, tally):
        calls.append([r.delivery.pk for r in results])
        entered.set()
        busy.wait(5)
        if any(r.delivery.pk == 3 for r in results):
            raise DatabaseError("value too long for type character varying(500)")
        written.extend(r.delivery.pk for r in results)

    monkeypatch.setattr(books, "write", write)
    writer = books.Books(books.Tally())
    writer.put(outcome(0))  # holds the writer while the next four queue up
    assert entered.wait(5)
    results = [outcome(n) for n in range(1, 5)]
    for result in results:
        writer.put(result)
    busy.set()
    writer.close()

    assert calls == [[0], [1, 2, 3, 4], [1], [2], [3], [4]]
    assert written == [0, 1, 2, 4]  # 3 stays started, to be asked about when its lease runs out
    assert [r.delivery.refreshed for r in results] == [1, 1, 1, 1]  # re-read before each retry
