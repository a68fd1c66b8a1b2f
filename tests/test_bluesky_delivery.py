"""The five steps reach a real Bluesky PDS on loopback, exactly once, through the outbox and the
worker; what the desk says is checked against the PDS's own records (listRecords)."""

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest

from amends.actions import (
    AddAccount,
    Apologise,
    ApproveDeletion,
    CheckAccount,
    Correct,
    PauseSending,
    Publish,
    RemoveNow,
    RequestDeletion,
    ResumeSending,
)
from amends.clock import now
from amends.delivery.models import Delivery, OutsideChange
from amends.delivery.watch import check as watch
from amends.delivery.worker import Worker
from amends.record import api as record
from tests.conftest import ROOT, amends
from tests.support.serve import serving

ORIGINAL = "The appeal closes on 4 May. Call 101."
FIXED = "The appeal closes on 14 May. Call 101."
PASSWORD = "correct horse battery staple"


def connected(env: dict, pds, tmp_path, prefix: str) -> tuple[str, str]:
    """A fresh PDS account, and alice and that account added with the command line in
    ``env``: (handle, did)."""
    handle = f"{prefix}{uuid.uuid4().hex[:10]}.test"
    did, _ = pds.create_account(handle, PASSWORD)
    secret = tmp_path / f"{prefix}-password"
    secret.write_text(PASSWORD)
    amends(["user", "add", "alice", "--role", "author"], env)
    server = ["--server", pds.url, "--password-file", str(secret)]
    amends(["account", "add", f"bluesky:{handle}", *server], env)
    return handle, did


def texts(pds, did) -> list[str]:
    return sorted(r["value"]["text"] for r in pds.list_records(did))


def drain(worker: Worker) -> Worker:
    while worker.step():
        pass
    return worker


@pytest.fixture
def account(people, pds):
    """A fresh account on the PDS, connected and checked."""
    handle = f"p{uuid.uuid4().hex[:10]}.test"
    did, _ = pds.create_account(handle, PASSWORD)
    key = f"bluesky:{handle}"
    AddAccount(
        None,
        key=key,
        settings={"server": pds.url},
        secrets={"password": PASSWORD},
        as_operator=True,
    ).run()
    checked = CheckAccount(None, account=key, as_operator=True).run()
    assert checked.settings["did"] == did
    return key, did


def test_the_five_steps_reach_the_pds(people, pds, account):
    key, did = account
    worker = Worker("test")
    post = Publish(people.alice, account=key, text=ORIGINAL).run()
    drain(worker)
    assert texts(pds, did) == [ORIGINAL]
    post.refresh_from_db()
    assert post.copy.remote_id.startswith(f"at://{did}/app.bsky.feed.post/")

    # Make amends: Bluesky cannot edit, so the correction is a reply in the thread.
    correcting = Correct(people.alice, post=post.pk, text=FIXED, reason="Wrong date")
    correcting.run()
    assert correcting.plan.how == "reply"
    Apologise(people.alice, post=post.pk, text="Sorry: the date we gave was wrong.").run()
    drain(worker)
    records = {r["value"]["text"]: r["value"] for r in pds.list_records(did)}
    correction = records[correcting.plan.text]
    assert "“14”, not “4”. Wrong date." in correcting.plan.text
    assert correction["reply"]["parent"]["uri"] == post.copy.remote_id
    apology = records["Sorry: the date we gave was wrong."]
    assert apology["reply"]["root"]["uri"] == post.copy.remote_id
    assert ORIGINAL in records  # the original stays: Bluesky has no edit

    # Delete as the last resort: the post goes, a notice says why, never what.
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="prejudicial",
        explanation="A trial is under way.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    drain(worker)
    after = texts(pds, did)
    assert ORIGINAL not in after
    (notice,) = [t for t in after if t.startswith("We removed one of our posts")]
    assert "could have prejudiced an investigation" in notice
    assert "A trial is under way." in notice
    assert Delivery.objects.exclude(status="done").count() == 0
    assert [e.kind for e in record.entries_about(post.subject)].count("delivery.sent") == 4


def test_an_urgent_removal_takes_the_post_off_the_pds_at_once(people, pds, account, settings):
    key, did = account
    worker = Worker("test")
    post = Publish(people.alice, account=key, text="Officers arrested Zed Quill today.").run()
    drain(worker)
    RemoveNow(
        people.sam,
        post=post.pk,
        ground="identified_person",
        explanation="It identified someone before charge.",
        rationale="Named before charge.",
    ).run()
    # The public page is the notice at once; the platform follows with the worker's next step.
    assert (settings.SITE_DIR / "posts" / str(post.pk) / "gone.html").exists()
    drain(worker)
    after = texts(pds, did)
    assert not [t for t in after if "Zed Quill" in t]
    (notice,) = after
    assert "It identified someone before charge." in notice
    kinds = [e.kind for e in record.entries_about(post.subject)]
    assert kinds.index("deletion.urgent") < kinds.index("post.deleted")


def test_while_paused_nothing_reaches_the_pds_and_everything_does_once_after(people, pds, account):
    key, did = account
    worker = Worker("test")
    PauseSending(people.sam, reason="Checking the account.").run()
    for n in range(3):
        Publish(people.alice, account=key, text=f"Waiting post {n}").run()
    drain(worker)
    assert texts(pds, did) == []
    assert Delivery.objects.filter(status="pending").count() == 3
    ResumeSending(people.sam).run()
    drain(worker)
    drain(worker)
    assert texts(pds, did) == [f"Waiting post {n}" for n in range(3)]


def test_edits_and_deletions_made_on_the_pds_are_recorded(people, pds, account):
    key, did = account
    worker = Worker("test")
    edited = Publish(people.alice, account=key, text="Road closed on Mill Lane.").run()
    removed = Publish(people.alice, account=key, text="Road closed on High Street.").run()
    drain(worker)
    assert watch(worker) == []

    edited.refresh_from_db()
    rkey = edited.copy.remote_id.rsplit("/", 1)[1]
    session = pds.xrpc(
        "POST",
        "com.atproto.server.createSession",
        json={"identifier": did, "password": PASSWORD},
    )
    auth = {"Authorization": f"Bearer {session['accessJwt']}"}
    value = {
        **pds.xrpc(
            "GET",
            "com.atproto.repo.getRecord",
            params={"repo": did, "collection": "app.bsky.feed.post", "rkey": rkey},
        )["value"]
    }
    value["text"] = "Road open again on Mill Lane."
    pds.xrpc(
        "POST",
        "com.atproto.repo.putRecord",
        headers=auth,
        json={"repo": did, "collection": "app.bsky.feed.post", "rkey": rkey, "record": value},
    )
    removed.refresh_from_db()
    pds.xrpc(
        "POST",
        "com.atproto.repo.deleteRecord",
        headers=auth,
        json={
            "repo": did,
            "collection": "app.bsky.feed.post",
            "rkey": removed.copy.remote_id.rsplit("/", 1)[1],
        },
    )

    found = {c.post_id: c for c in watch(worker)}
    assert found[edited.pk].kind == "changed"
    assert record.read(found[edited.pk].seq) == b"Road open again on Mill Lane."
    assert found[removed.pk].kind == "deleted"
    assert OutsideChange.objects.filter(seen_at__isnull=True).count() == 2
    assert watch(worker) == []


def test_a_wrong_app_password_fails_at_once_with_the_pds_message(people, pds):
    handle = f"p{uuid.uuid4().hex[:10]}.test"
    pds.create_account(handle, PASSWORD)
    AddAccount(
        None,
        key=f"bluesky:{handle}",
        settings={"server": pds.url},
        secrets={"password": "not the password"},
        as_operator=True,
    ).run()
    post = Publish(people.alice, account=f"bluesky:{handle}", text=ORIGINAL).run()
    drain(Worker("test"))
    delivery = Delivery.objects.get(post=post)
    assert delivery.status == "failed"
    assert delivery.tries == 1
    assert "Invalid identifier or password" in delivery.error
    assert PASSWORD not in delivery.error


def test_deliveries_wait_while_the_pds_is_down_and_complete_when_it_returns(
    people, pds, account, settings
):
    key, did = account
    settings.DELIVERY_BACKOFF_BASE = 1
    worker = Worker("test")
    posts = [Publish(people.alice, account=key, text=f"Update {n}").run() for n in range(6)]
    assert worker.step()
    pds.stop()
    try:
        drain(worker)
        waiting = Delivery.objects.exclude(status="done")
        assert waiting.count() == 5
        assert all(d.status == "pending" and d.tries >= 1 for d in waiting)
        assert "Connection refused" in waiting.first().error
    finally:
        pds.start()
    Delivery.objects.filter(status="pending").update(due_at=now() - timedelta(seconds=1))
    drain(worker)
    assert Delivery.objects.filter(post__in=posts, status="done").count() == 6
    assert texts(pds, did) == sorted(f"Update {n}" for n in range(6))


@pytest.mark.slow
def test_a_worker_killed_at_random_points_delivers_every_post_exactly_once(
    fresh_database, pds, tmp_path
):
    """SIGKILL the worker again and again while it delivers 50 posts to the real PDS."""
    env = {**fresh_database, "AMENDS_DELIVERY_LEASE": "1", "AMENDS_DELIVERY_BACKOFF_BASE": "0"}
    handle, did = connected(env, pds, tmp_path, "k")
    published = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests/support/publish_many.py"),
            f"bluesky:{handle}",
            "alice",
            "50",
            "Killed worker post",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert published.returncode == 0, published.stderr
    assert len(published.stdout.split()) == 50

    rng = random.Random(5)
    kills = 0
    deadline = time.monotonic() + 240
    while (len(pds.list_records(did)) < 50 or kills < 3) and time.monotonic() < deadline:
        before = len(pds.list_records(did))
        worker = subprocess.Popen(
            [sys.executable, "-m", "amends", "worker"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        # Killed while it delivers (not while Python is still starting): at a random moment
        # after the first post it sends this time reaches the PDS.
        started = time.monotonic()
        while len(pds.list_records(did)) == before and before < 50:
            assert time.monotonic() - started < 60, "the worker delivered nothing in a minute"
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 1.0))
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        kills += 1
        time.sleep(1.1)  # the lease of the delivery it held runs out
    finished = amends(["worker", "--once"], env)
    assert " 0 failed" in finished.stdout

    found = [r["value"]["text"] for r in pds.list_records(did)]
    assert sorted(found) == sorted(f"Killed worker post {n}" for n in range(50))  # once each
    assert kills >= 3
    listing = amends(["delivery", "list", "--json"], env)
    statuses = {d["status"] for d in json.loads(listing.stdout)["deliveries"]}
    assert statuses == {"done"}


def test_amends_serve_delivers_on_its_own(fresh_database, pds, tmp_path):
    """The embedded default: `amends serve` alone delivers, in a thread of its own."""
    env = {**fresh_database, "AMENDS_SERVE_WORKER": "true"}
    handle, did = connected(env, pds, tmp_path, "s")
    with serving(env) as served:
        amends(["post", f"bluesky:{handle}", "--text", ORIGINAL, "--as", "alice"], env)
        deadline = time.monotonic() + 30
        while texts(pds, did) != [ORIGINAL]:
            assert served.process.poll() is None, served.process.communicate()[0]
            assert time.monotonic() < deadline, "the post never reached the PDS"
            time.sleep(0.2)
    assert served.process.returncode == 0, served.output
    listing = json.loads(amends(["delivery", "list", "--json"], env).stdout)["deliveries"]
    assert [(d["op"], d["status"]) for d in listing] == [("publish", "done")]


def test_a_correction_can_quote_the_post_instead(people, pds, account):
    key, did = account
    worker = Worker("test")
    post = Publish(people.alice, account=key, text=ORIGINAL).run()
    drain(worker)
    quoting = Correct(people.alice, post=post.pk, text=FIXED, reason="Wrong date", as_quote=True)
    quoting.run()
    assert quoting.plan.how == "quote"
    drain(worker)
    post.refresh_from_db()
    (quote,) = [r["value"] for r in pds.list_records(did) if r["value"]["text"] != ORIGINAL]
    assert quote["text"] == quoting.plan.text
    assert quote["embed"]["$type"] == "app.bsky.embed.record"
    assert quote["embed"]["record"]["uri"] == post.copy.remote_id
    assert "reply" not in quote


def test_three_workers_side_by_side_send_each_post_once(fresh_database, pds, tmp_path):
    """Workers claim with a conditional update (and SKIP LOCKED on PostgreSQL): started at the
    same moment, they share the work and never send one delivery twice."""
    env = fresh_database
    handle, did = connected(env, pds, tmp_path, "w")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "tests/support/publish_many.py"),
            f"bluesky:{handle}",
            "alice",
            "30",
            "Shared post",
        ],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "amends", "worker", "--once", "--name", f"w{n}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(3)
    ]
    said = [w.communicate(timeout=120)[0] for w in workers]
    assert all(w.returncode == 0 for w in workers), said
    sent = [int(line.split(": ", 1)[1].split(" sent")[0]) for line in said]
    assert sum(sent) == 30
    found = sorted(r["value"]["text"] for r in pds.list_records(did))
    assert found == sorted(f"Shared post {n}" for n in range(30))


def test_a_partner_agencys_handle_is_a_mention_and_a_bare_domain_a_link(people, pds, account):
    """As the Bluesky app makes them: the partner is told of the mention (its handle resolved
    to its DID by the PDS); a handle that is nobody's stays plain text."""
    key, did = account
    partner = f"partner{uuid.uuid4().hex[:8]}.test"
    partner_did, _ = pds.create_account(partner, PASSWORD)
    text = f"With @{partner} and @nobody{uuid.uuid4().hex[:6]}.test: see police.uk/appeal #MillLane"
    Publish(people.alice, account=key, text=text).run()
    drain(Worker("test"))
    (made,) = [r["value"] for r in pds.list_records(did)]
    raw = made["text"].encode("utf-8")
    shown = {
        raw[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode(): f["features"][0]
        for f in made["facets"]
    }
    assert shown[f"@{partner}"]["did"] == partner_did
    assert shown["police.uk/appeal"]["uri"] == "https://police.uk/appeal"
    assert shown["#MillLane"]["tag"] == "MillLane"
    assert not any(s.startswith("@nobody") for s in shown)
