"""Copies of a post on the real Bluesky PDS, found through its event stream (subscribeRepos; the
test PDS has no AppView to ask for quotes): another account quotes, replies to and reposts the
force's post, and re-types its wrong words in a reply. Gathering keeps each in the incident's
inbox and the quotes, the repost and the re-typed words in the copy register — each with the
revision the post had then — reads on from where it left off, and backs off while nothing new
happens."""

import uuid
from datetime import UTC, datetime

import pytest

from amends.actions import AddAccount, CheckAccount, Correct, OpenIncident, Publish
from amends.copies.gathering import FIRST, gather_due
from amends.copies.models import Gathering, KnownCopy, Mention
from amends.copies.register import copies_of
from amends.delivery.worker import Worker

WRONG = "Officers want to hear from anyone who saw a red Ford Focus on Heol y Castell at 9pm."
RIGHT = "Officers want to hear from anyone who saw a grey Vauxhall Astra on Heol y Castell at 9pm."
PASSWORD = "correct horse battery staple"


class Resident:
    """Another account on the same PDS, writing records as the Bluesky app would."""

    def __init__(self, pds):
        self.pds = pds
        handle = f"r{uuid.uuid4().hex[:10]}.test"
        self.did, _ = pds.create_account(handle, PASSWORD)
        session = pds.xrpc(
            "POST",
            "com.atproto.server.createSession",
            json={"identifier": self.did, "password": PASSWORD},
        )
        self.auth = {"Authorization": f"Bearer {session['accessJwt']}"}

    def write(self, collection: str, record: dict) -> dict:
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        return self.pds.xrpc(
            "POST",
            "com.atproto.repo.createRecord",
            headers=self.auth,
            json={
                "repo": self.did,
                "collection": collection,
                "record": {"$type": collection, "createdAt": stamp, **record},
            },
        )

    def post(self, text: str, **more) -> dict:
        return self.write("app.bsky.feed.post", {"text": text, **more})


def strong(pds, uri: str) -> dict:
    repo, collection, rkey = uri.removeprefix("at://").split("/")
    found = pds.xrpc(
        "GET",
        "com.atproto.repo.getRecord",
        params={"repo": repo, "collection": collection, "rkey": rkey},
    )
    return {"uri": found["uri"], "cid": found["cid"]}


@pytest.fixture
def incident(people, pds):
    handle = f"p{uuid.uuid4().hex[:10]}.test"
    pds.create_account(handle, PASSWORD)
    key = f"bluesky:{handle}"
    AddAccount(
        None,
        key=key,
        settings={"server": pds.url},
        secrets={"password": PASSWORD},
        as_operator=True,
    ).run()
    CheckAccount(None, account=key, as_operator=True).run()
    post = Publish(people.alice, account=key, text=WRONG).run()
    worker = Worker("test")
    while worker.step():
        pass
    post.refresh_from_db()
    return OpenIncident(
        people.sam,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Wrong car",
        rationale="The car described was the wrong one.",
    ).run()


def test_quotes_replies_and_reposts_on_the_pds_reach_the_inbox_and_the_register(
    people, pds, incident
):
    post = incident.post
    ours = strong(pds, post.copy.remote_id)
    resident = Resident(pds)
    resident.post("Unrelated: lovely sunset over the bay tonight.")
    quote = resident.post(
        "Anyone seen this car?", embed={"$type": "app.bsky.embed.record", "record": ours}
    )
    reply = resident.post("Which junction?", reply={"root": ours, "parent": ours})
    retyped = resident.post(
        f"They said: {WRONG}", reply={"root": ours, "parent": ours}
    )  # the wrong words, re-typed
    repost = resident.write("app.bsky.feed.repost", {"subject": ours})

    assert gather_due() == 4
    mentions = {m.url.rsplit("/", 1)[1]: m.kind for m in Mention.objects.filter(post=post)}
    rkey = lambda made: made["uri"].rsplit("/", 1)[1]  # noqa: E731
    assert mentions == {
        rkey(quote): "quote",
        rkey(reply): "reply",
        rkey(retyped): "reply",
        rkey(repost): "repost",
    }
    assert Mention.objects.get(url__endswith=rkey(reply)).author == resident.did
    assert Mention.objects.get(url__endswith=rkey(reply)).text == "Which junction?"
    found = {c["found_by"]: c for c in copies_of(post)}
    assert set(found) == {"quote", "repost", "text"}
    assert found["quote"]["url"] == f"https://bsky.app/profile/{resident.did}/post/{rkey(quote)}"
    assert found["quote"]["revision"] == 1
    assert found["text"]["revision"] == 1

    # The post is put right; a quote after that shows the right revision, and the first
    # quote still shows the error. Gathering reads on from where it stopped: nothing twice.
    Correct(people.alice, post=post.pk, text=RIGHT, reason="The wrong car").run()
    Gathering.objects.update(due_at=datetime.now(UTC))
    later = resident.post(
        "Update from the police", embed={"$type": "app.bsky.embed.record", "record": ours}
    )
    assert gather_due() == 1
    by_url = {c["url"].rsplit("/", 1)[1]: c for c in copies_of(post)}
    assert (by_url[rkey(later)]["revision"], by_url[rkey(later)]["shows_error"]) == (2, False)
    assert by_url[rkey(quote)]["shows_error"] is True
    assert Mention.objects.filter(post=post).count() == 5
    assert KnownCopy.objects.filter(post=post).count() == 4

    # Nothing new: the next look waits twice as long.
    state = Gathering.objects.get()
    assert state.interval == FIRST
    Gathering.objects.update(due_at=datetime.now(UTC))
    assert gather_due() == 0
    state.refresh_from_db()
    assert state.interval == 2 * FIRST
    assert state.problem == ""
    assert state.reads > 0


def test_a_closed_incident_is_not_watched_and_a_private_stream_is_refused(
    people, pds, incident, settings
):
    from amends.copies.gathering import watched

    assert list(watched().values()) == [[incident.post]]
    settings.ALLOW_PRIVATE_ADDRESSES = False
    assert gather_due() == 0
    state = Gathering.objects.get()
    assert "127.0.0.1" in state.problem or "not public" in state.problem
    assert state.interval == 2 * FIRST
    type(incident).objects.filter(pk=incident.pk).update(closed_at=datetime.now(UTC))
    assert watched() == {}
