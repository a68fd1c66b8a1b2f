"""The five steps reach a real WordPress site on loopback through the outbox and the worker;
what the desk says is checked against WordPress itself (its REST API, revisions and pages)."""

import uuid

import pytest

from amends.actions import (
    AddAccount,
    Apologise,
    ApproveDeletion,
    CheckAccount,
    Correct,
    Publish,
    RemoveNow,
    RequestDeletion,
)
from amends.delivery.models import Delivery
from amends.delivery.watch import check as watch
from amends.delivery.worker import Worker
from amends.record import api as record

ORIGINAL = "The appeal closes on 4 May. Call 101 with any information."
FIXED = "The appeal closes on 14 May. Call 101 with any information."
APOLOGY = "Sorry: the date we gave for the appeal was wrong."


def drain(worker: Worker) -> Worker:
    while worker.step():
        pass
    return worker


def number(remote_id: str) -> int:
    return int(remote_id.split(":")[1])


@pytest.fixture
def account(people, wordpress):
    key = f"wordpress:blog{uuid.uuid4().hex[:6]}"
    AddAccount(
        None,
        key=key,
        settings={"server": wordpress.url, "user": wordpress.user},
        secrets={"password": wordpress.app_password},
        as_operator=True,
    ).run()
    assert "user_id" in CheckAccount(None, account=key, as_operator=True).run().settings
    return key


def test_the_five_steps_reach_wordpress(people, wordpress, account):
    worker = Worker("test")
    post = Publish(people.alice, account=account, text=ORIGINAL).run()
    drain(worker)
    post.refresh_from_db()
    on_site = wordpress.post(number(post.copy.remote_id))
    assert on_site["status"] == "publish"
    assert ORIGINAL in on_site["content"]["raw"]

    # Make amends: edited in place, the wrong words struck through, the original kept.
    correcting = Correct(people.alice, post=post.pk, text=FIXED, reason="Wrong date")
    correcting.run()
    assert correcting.plan.how == "edit"
    Apologise(people.alice, post=post.pk, text=APOLOGY).run()
    drain(worker)
    content = wordpress.post(number(post.copy.remote_id))["content"]["raw"]
    assert '<del><span class="screen-reader-text">deleted text: </span>4</del>' in content
    assert '<ins><span class="screen-reader-text">inserted text: </span>14</ins>' in content
    assert "Correction (" in content
    assert "Wrong date." in content
    wordings = [r["content"]["raw"] for r in wordpress.revisions(number(post.copy.remote_id))]
    assert any(ORIGINAL in w and "<del>" not in w for w in wordings)
    page = wordpress.page(post.copy.url)
    assert "<del>" in page
    assert "deleted text:" in page
    (comment,) = wordpress.comments(number(post.copy.remote_id))
    assert APOLOGY in comment["content"]["raw"]

    # Delete as the last resort: gone with its revisions, a notice says why.
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="offensive",
        explanation="It should never have gone out.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    drain(worker)
    assert wordpress.post(number(post.copy.remote_id)) is None
    notice = Delivery.objects.get(post=post, op="notice")
    shown = wordpress.post(number(notice.remote_id))["content"]["raw"]
    assert "We removed one of our posts" in shown
    assert "It should never have gone out." in shown
    assert "appeal" not in shown
    assert not Delivery.objects.exclude(status="done").exists()
    sent = [e.kind for e in record.entries_about(post.subject)].count("delivery.sent")
    assert sent == 4  # the post, its correction, its removal and the notice


def test_an_urgent_removal_takes_the_post_off_wordpress_at_once(people, wordpress, account):
    worker = Worker("test")
    post = Publish(people.alice, account=account, text="We arrested Zed Quill of 3 Elm Row.").run()
    drain(worker)
    post.refresh_from_db()
    RemoveNow(
        people.sam,
        post=post.pk,
        ground="personal_data",
        explanation="It gave away someone's address.",
        rationale="An address in a live case.",
    ).run()
    drain(worker)
    assert wordpress.post(number(post.copy.remote_id)) is None
    notice = Delivery.objects.get(post=post, op="notice")
    shown = wordpress.post(number(notice.remote_id))["content"]["raw"]
    assert "It gave away someone's address." in shown
    assert "Quill" not in shown
    assert "Elm Row" not in shown


def test_edits_and_deletions_made_in_wordpress_are_recorded(people, wordpress, account):
    worker = Worker("test")
    edited = Publish(people.alice, account=account, text="Road closed on Mill Lane.").run()
    removed = Publish(people.alice, account=account, text="Road closed on High Street.").run()
    drain(worker)
    assert watch(worker) == []

    edited.refresh_from_db()
    removed.refresh_from_db()
    wordpress.edit_outside(number(edited.copy.remote_id), "<p>Road open on Mill Lane.</p>")
    wordpress.delete_outside(number(removed.copy.remote_id))
    found = {c.post_id: c for c in watch(worker)}
    assert found[edited.pk].kind == "changed"
    assert b"Road open on Mill Lane." in record.read(found[edited.pk].seq)
    assert found[removed.pk].kind == "deleted"
    assert watch(worker) == []


def test_a_wrong_application_password_fails_at_once(people, wordpress):
    AddAccount(
        None,
        key="wordpress:wrong",
        settings={"server": wordpress.url, "user": wordpress.user},
        secrets={"password": "abcd efgh ijkl mnop qrst uvwx"},
        as_operator=True,
    ).run()
    post = Publish(people.alice, account="wordpress:wrong", text=ORIGINAL).run()
    drain(Worker("test"))
    delivery = Delivery.objects.get(post=post)
    assert delivery.status == "failed"
    assert delivery.tries == 1
    assert "401" in delivery.error
