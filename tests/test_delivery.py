"""Durable delivery: the outbox is written with the action, and the worker delivers each row
once, in order, with retries, reconciliation after a crash and a record of every attempt.

The platform here is the in-process test double (tests/support/testbed.py), so that a crash
can be placed exactly; the real platforms are driven in test_bluesky_delivery.py and
test_wordpress_delivery.py.
"""

import json
from datetime import timedelta

import pytest

from amends.actions import (
    AddAccount,
    Apologise,
    ApproveDeletion,
    Correct,
    Publish,
    RequestDeletion,
    RetryDelivery,
    SeeOutsideChange,
)
from amends.actions.base import Forbidden
from amends.clock import now
from amends.connectors import PlatformError, rules_for
from amends.delivery import wording
from amends.delivery.models import Attempt, Copy, Delivery, OutsideChange
from amends.delivery.watch import check as watch
from amends.delivery.worker import Worker
from amends.desk.models import Account
from amends.errors import BadInput, Refused
from amends.record import api as record
from tests.support import testbed as platform
from tests.support.testbed import Crash

ORIGINAL = "The appeal closes on 4 May. Call 101."
FIXED = "The appeal closes on 14 May. Call 101."


def board():
    return platform.BOARD


def drain(worker=None) -> Worker:
    worker = worker or Worker("test")
    while worker.step():
        pass
    return worker


def last_sent() -> dict:
    """The data of the newest delivery.sent entry."""
    entry = next(e for e in reversed(record.entries(0, 10_000)) if e.kind == "delivery.sent")
    return json.loads(entry.leaf)["data"]


def kinds():
    return [e.kind for e in record.entries(0, 10_000)]


def test_a_post_on_a_platform_is_delivered_once_and_recorded(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    delivery = Delivery.objects.get(post=post)
    assert delivery.status == "pending"
    assert delivery.op == "publish"
    assert board().visible() == []

    worker = drain()

    assert board().visible() == [ORIGINAL]
    delivery.refresh_from_db()
    assert delivery.status == "done"
    assert delivery.remote_url.startswith("https://testbed.example/")
    assert post.copy.shows(rules_for(post.account).comparable(ORIGINAL))
    assert ORIGINAL not in post.copy.expected  # a fingerprint, never the wording
    assert post.copy.remote_id == delivery.remote_id
    (attempt,) = delivery.attempts.all()
    assert attempt.outcome == "sent"
    assert attempt.ms is not None
    assert kinds()[-1] == "delivery.sent"
    assert worker.tally.sent == 1


def test_house_posts_need_no_delivery(people):
    Publish(people.alice, account="house:news", text=ORIGINAL).run()
    assert not Delivery.objects.exists()


def test_a_refused_action_leaves_no_delivery(people, testbed):
    with pytest.raises(BadInput):
        Publish(people.alice, account="testbed:police", text="x" * 201).run()
    with pytest.raises(Forbidden):
        Publish(people.fiona, account="testbed:police", text=ORIGINAL).run()
    assert not Delivery.objects.exists()


def test_a_correction_waits_for_the_post_and_is_edited_in_place(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    Correct(people.alice, post=post.pk, text=FIXED, reason="Wrong date").run()
    publish, edit = Delivery.objects.order_by("pk")
    assert edit.after == publish
    assert edit.op == "edit"
    assert edit.revision.n == 2
    assert edit.text == ""  # the wording stays in the record, not in the outbox
    sent = wording.shown(edit)
    assert "Correction" in sent
    assert FIXED in sent

    worker = Worker("test")
    assert worker.claim().pk == publish.pk
    assert worker.claim() is None  # the edit waits until the post is on the platform
    drain()
    assert board().calls == []  # and the claimed post is held until its lease runs out

    Delivery.objects.filter(pk=publish.pk).update(lease_until=now() - timedelta(seconds=1))
    drain()
    assert [c[0] for c in board().calls] == ["publish", "edit"]
    assert board().visible() == [sent]
    post.copy.refresh_from_db()
    assert post.copy.edits == 1
    assert post.copy.shows(rules_for(post.account).comparable(sent))


def test_a_correction_after_the_edit_window_goes_as_a_reply(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    drain()
    Copy.objects.filter(post=post).update(published_at=now() - timedelta(minutes=31))
    action = Correct(people.alice, post=post.pk, text=FIXED, reason="Wrong date")
    action.run()
    assert action.plan.how == "reply"
    assert "30 minutes" in action.plan.why
    drain()
    assert board().calls[-1][0] == "reply"
    assert board().calls[-1][1] == post.copy.remote_id
    assert board().visible() == [ORIGINAL, action.plan.text]


def test_a_correction_that_cannot_fit_is_refused_and_never_cut(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    longer = ORIGINAL.replace("Call 101.", "Call 101 or write to us at the station " * 4)
    with pytest.raises(BadInput, match="shorten it, or send the correction as a reply"):
        Correct(people.alice, post=post.pk, text=longer, reason="Wrong date").run()
    assert Delivery.objects.count() == 1


def test_a_passing_failure_is_retried_with_backoff(people, testbed, settings):
    settings.DELIVERY_BACKOFF_BASE = 60
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    board().fail_next.append(PlatformError("testbed: 503 busy", status=503))
    drain()
    delivery = Delivery.objects.get(post=post)
    assert delivery.status == "pending"
    assert delivery.tries == 1
    assert delivery.due_at > now() + timedelta(seconds=25)  # 30 to 60 s with jitter
    assert "503 busy" in delivery.error
    assert not drain().tally.sent  # not due yet

    Delivery.objects.filter(pk=delivery.pk).update(due_at=now())
    drain()
    delivery.refresh_from_db()
    assert delivery.status == "done"
    assert [a.outcome for a in delivery.attempts.all()] == ["retry", "sent"]
    assert board().visible() == [ORIGINAL]


def test_a_permanent_error_fails_at_once_with_the_platforms_message(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    board().fail_next.append(PlatformError("testbed: 401 bad token", permanent=True))
    drain()
    delivery = Delivery.objects.get(post=post)
    assert delivery.status == "failed"
    assert delivery.error == "testbed: 401 bad token"
    assert kinds()[-1] == "delivery.failed"

    with pytest.raises(Forbidden):
        RetryDelivery(people.alice, delivery=delivery.pk).run()
    RetryDelivery(people.sam, delivery=delivery.pk).run()
    assert kinds()[-1] == "delivery.retried"  # who sent it again, and what it had failed with
    drain()
    delivery.refresh_from_db()
    assert delivery.status == "done"
    assert board().visible() == [ORIGINAL]
    with pytest.raises(Refused, match="only a failed delivery"):
        RetryDelivery(people.sam, delivery=delivery.pk).run()


def test_out_of_tries_is_failed(people, testbed, settings):
    settings.DELIVERY_ATTEMPTS = 3
    Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    board().fail_next.extend(PlatformError("testbed: 502", status=502) for _ in range(4))
    drain()  # the backoff is 0 s here: tried again at once
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.tries == 3
    assert [a.outcome for a in delivery.attempts.all()] == ["retry", "retry", "failed"]


def test_a_crash_after_sending_is_reconciled_without_sending_twice(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    board().crash_after_send = True
    with pytest.raises(Crash):
        Worker("doomed").step()
    delivery = Delivery.objects.get(post=post)
    assert delivery.status == "sending"
    assert board().visible() == [ORIGINAL]
    assert [a.outcome for a in delivery.attempts.all()] == ["started"]

    assert not drain().tally.sent  # the lease still holds
    Delivery.objects.update(lease_until=now() - timedelta(seconds=1))
    worker = drain()

    delivery.refresh_from_db()
    assert delivery.status == "done"
    assert worker.tally.found == 1
    assert board().visible() == [ORIGINAL]
    assert [c[0] for c in board().calls] == ["publish"]  # asked, never sent again
    assert [a.outcome for a in delivery.attempts.all()] == ["retry", "found"]


def test_a_crash_before_sending_sends_once_after_asking(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    delivery = Delivery.objects.get(post=post)
    Delivery.objects.update(status="sending", lease_until=now() - timedelta(seconds=1))
    Attempt.objects.create(delivery=delivery, started_at=now(), outcome="started")
    drain()
    assert board().visible() == [ORIGINAL]
    assert [a.outcome for a in delivery.attempts.all()] == ["retry", "sent"]


def test_two_workers_never_hold_the_same_delivery(people, testbed):
    for n in range(3):
        Publish(people.alice, account="testbed:police", text=f"{ORIGINAL} {n}").run()
    first, second = Worker("one"), Worker("two")
    claimed = [first.claim(), second.claim(), first.claim(), second.claim()]
    assert [d.pk for d in claimed[:3]] == sorted(d.pk for d in claimed[:3])
    assert len({d.pk for d in claimed[:3]}) == 3
    assert claimed[3] is None


def test_an_apology_threads_under_the_post(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    apology = Apologise(
        people.alice, post=post.pk, text="Sorry: we gave the wrong date for the appeal."
    ).run()
    drain()
    assert board().calls[-1][:2] == ("reply", post.copy.remote_id)
    assert apology.copy.remote_id != post.copy.remote_id


def test_a_deletion_removes_the_post_then_says_why(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    drain()
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="prejudicial",
        explanation="A trial is under way.",
        rationale="Asked for in the test.",
    ).run()
    assert Delivery.objects.count() == 1  # nothing is sent before approval
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    drain()
    assert [c[0] for c in board().calls] == ["publish", "delete", "publish"]
    (notice,) = board().visible()
    assert "We removed one of our posts" in notice
    assert "A trial is under way." in notice
    assert ORIGINAL not in notice
    post.copy.refresh_from_db()
    assert post.copy.gone_at is not None


def test_a_post_deleted_before_it_was_sent_is_never_sent(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="offensive",
        explanation="It was wrong.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    drain()
    assert board().calls == []
    assert Delivery.objects.get().status == "cancelled"


def test_a_notice_that_cannot_fit_is_refused_at_the_request(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    with pytest.raises(BadInput, match="explain: the public notice would be"):
        RequestDeletion(
            people.alice,
            post=post.pk,
            ground="offensive",
            explanation="x" * 180,
            rationale="Asked for in the test.",
        ).run()


def test_an_outside_edit_and_deletion_are_recorded_and_raised(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    other = Publish(people.alice, account="testbed:police", text=FIXED).run()
    worker = drain()
    assert watch(worker) == []  # nothing changed yet

    board().posts[post.copy.remote_id]["text"] = "Edited on the platform itself."
    board().posts[other.copy.remote_id]["deleted"] = True
    changes = watch(worker)

    assert sorted(c.kind for c in changes) == ["changed", "deleted"]
    changed = next(c for c in changes if c.kind == "changed")
    assert record.read(changed.seq) == b"Edited on the platform itself."
    assert {"post.changed_outside", "post.deleted_outside"} <= set(kinds())
    assert watch(worker) == []  # raised once, not at every check

    SeeOutsideChange(people.alice, change=changed.pk).run()
    assert OutsideChange.objects.filter(seen_at__isnull=True).count() == 1
    assert kinds()[-1] == "post.outside_change_seen"
    with pytest.raises(Refused, match="already seen"):
        SeeOutsideChange(people.sam, change=changed.pk).run()


def test_a_post_with_a_delivery_in_flight_is_not_compared(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    worker = drain()
    Correct(people.alice, post=post.pk, text=FIXED, reason="Wrong date").run()
    board().posts[post.copy.remote_id]["text"] = "anything"
    assert watch(worker) == []


def test_credentials_are_encrypted_and_never_shown(people, testbed):
    account = Account.objects.get(platform="testbed")
    assert b"good" not in bytes(account.secrets)
    assert "good" not in repr(Worker("w").connector(account))
    assert "good" not in str(list(record.entries(0, 10_000)))


def test_an_account_needs_the_fields_its_platform_asks_for(people, testbed):
    with pytest.raises(BadInput, match="token: Testbed needs a token"):
        AddAccount(
            None, key="testbed:two", settings={"server": "https://t.example"}, as_operator=True
        ).run()
    with pytest.raises(BadInput, match="page: Testbed accounts take no page"):
        AddAccount(
            None,
            key="testbed:two",
            settings={"server": "https://t.example", "page": "1"},
            secrets={"token": "x"},
            as_operator=True,
        ).run()
    with pytest.raises(BadInput, match="server: must be a URL"):
        AddAccount(
            None,
            key="testbed:two",
            settings={"server": "ftp:nope"},
            secrets={"token": "x"},
            as_operator=True,
        ).run()
    assert not Account.objects.filter(handle="two").exists()


def test_a_platform_that_cannot_quote_refuses_a_quote(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    with pytest.raises(BadInput, match="as_quote: testbed:police cannot quote a post"):
        Correct(people.alice, post=post.pk, text=FIXED, reason="Wrong date", as_quote=True).run()
    assert Delivery.objects.count() == 1


def test_an_edit_queued_inside_the_window_and_sent_after_it_goes_as_a_reply(people, testbed):
    """Planned at minute 29, sent at minute 31: the platform would refuse the edit for good,
    so the worker re-plans it as a reply in the thread, and says why in the record."""
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    drain()
    Copy.objects.filter(post=post).update(published_at=now() - timedelta(minutes=29))
    action = Correct(people.alice, post=post.pk, text=FIXED, reason="Wrong date")
    action.run()
    assert action.plan.how == "edit"
    Copy.objects.filter(post=post).update(published_at=now() - timedelta(minutes=31))

    drain()

    delivery = Delivery.objects.get(post=post, revision__n=2)
    assert delivery.status == "done"
    assert delivery.op == "thread"
    assert "30 minutes" in delivery.why
    assert board().calls[-1][:2] == ("reply", post.copy.remote_id)
    sent = board().calls[-1][2]
    assert sent.startswith("Correction (")
    assert "Wrong date" in sent
    sent_entry = last_sent()
    assert sent_entry["op"] == "thread"
    assert "30 minutes" in sent_entry["replanned"]
    assert Attempt.objects.filter(delivery=delivery, outcome="failed").count() == 0


def test_an_edit_still_inside_the_window_is_sent_as_an_edit(people, testbed):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    drain()
    Correct(people.alice, post=post.pk, text=FIXED, reason="Wrong date").run()
    drain()
    delivery = Delivery.objects.get(post=post, revision__n=2)
    assert delivery.op == "edit"
    assert board().calls[-1][0] == "edit"
    assert "replanned" not in last_sent()


def test_publishing_planning_and_deleting_need_no_credentials_key(people, testbed, settings):
    """Counting, planning and queueing never decrypt credentials: with the key file gone, the
    desk still works, and no new (wrong) key is made; only sending needs the key, and says so."""
    from pathlib import Path

    key = Path(settings.CREDENTIALS_KEY_FILE)
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    drain()
    key.unlink()
    later = Publish(people.alice, account="testbed:police", text=FIXED).run()
    planning = Correct(people.alice, post=post.pk, text=FIXED, reason="Date", plan_only=True)
    planning.run()
    assert planning.plan.how == "edit"
    Correct(people.alice, post=post.pk, text=FIXED, reason="Date").run()
    RequestDeletion(
        people.alice,
        post=later.pk,
        ground="offensive",
        explanation="Hurtful.",
        rationale="Asked for in the test.",
    ).run()
    assert not key.exists()

    drain()
    assert not key.exists()
    failed = Delivery.objects.filter(post=later).get()
    assert "AMENDS_CREDENTIALS_KEY_FILE" in failed.error
