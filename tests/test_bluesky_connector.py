"""The Bluesky connector: the exact requests it sends (through the Seam's mock transport), and
what it does to a real PDS on loopback, checked on the server itself."""

import base64
import json
import re
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.connectors.base import PlatformError, Remote
from amends.connectors.bluesky.connector import Bluesky, rkey_for
from amends.connectors.http import USER_AGENT, Seam

POST = "app.bsky.feed.post"
PASSWORD = "app-password"
TID = re.compile(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}")
S32 = "234567abcdefghijklmnopqrstuvwxyz"


def new_key() -> str:
    """A delivery key as the outbox makes them: microseconds since the epoch, then random."""
    return f"{time.time_ns() // 1000:016x}{secrets.token_hex(4)}"


def tid_value(tid: str) -> int:
    value = 0
    for char in tid:
        value = value * 32 + S32.index(char)
    return value


# Record keys.


def test_an_outbox_key_becomes_a_tid_holding_its_microseconds_and_ten_bits_of_its_random_part():
    key = "00063f5a1b2c3d4e9f8a7b6c"
    tid = rkey_for(key)
    assert TID.fullmatch(tid)
    assert tid_value(tid) >> 10 == 0x00063F5A1B2C3D4E
    assert tid_value(tid) & 0x3FF == 0x9F8A7B6C & 0x3FF


@given(st.integers(0, 2**53 - 1), st.integers(0, 2**32 - 1))
def test_every_outbox_key_gives_a_valid_tid_and_the_same_one_every_time(micros, random):
    key = f"{micros:016x}{random:08x}"
    assert TID.fullmatch(rkey_for(key))
    assert rkey_for(key) == rkey_for(key)


@given(st.integers(0, 2**53 - 2), st.integers(1, 2**20), st.integers(0, 2**32 - 1))
def test_later_keys_sort_after_earlier_ones_as_tids_do(micros, later, random):
    first = rkey_for(f"{micros:016x}{random:08x}")
    second = rkey_for(f"{min(micros + later, 2**53 - 1):016x}{random:08x}")
    assert first < second


@given(st.text(min_size=1))
def test_any_other_key_still_gives_a_valid_tid(key):
    assert TID.fullmatch(rkey_for(key))
    assert rkey_for(key) == rkey_for(key)


# The exact requests, through the Seam's mock transport.


def jwt(did: str) -> str:
    def part(value) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    exp = int((datetime.now(UTC) + timedelta(hours=2)).timestamp())
    payload = {"scope": "com.atproto.access", "sub": did, "exp": exp, "iat": exp - 7200}
    return f"{part({'alg': 'HS256', 'typ': 'at+jwt'})}.{part(payload)}.c2ln"


class FakePds:
    """Answers like the reference PDS, and keeps every request it got."""

    did = "did:plc:alice"

    def __init__(self):
        self.requests: list[httpx.Request] = []
        self.records: dict[str, dict] = {}
        self.answers: list[httpx.Response] = []  # forced answers, used first

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.answers:
            return self.answers.pop(0)
        method = request.url.path.removeprefix("/xrpc/")
        body = json.loads(request.content) if request.content else {}
        if method == "com.atproto.server.createSession":
            if body["password"] != PASSWORD:
                return error(401, "AuthenticationRequired", "Invalid identifier or password")
            token = jwt(self.did)
            session = {"did": self.did, "handle": "alice.test", "accessJwt": token}
            return httpx.Response(200, json={**session, "refreshJwt": token, "active": True})
        if method == "com.atproto.repo.createRecord":
            uri = f"at://{body['repo']}/{body['collection']}/{body['rkey']}"
            if uri in self.records:
                return error(500, "InternalServerError", "Internal Server Error")
            self.records[uri] = body["record"]
            return httpx.Response(200, json={"uri": uri, "cid": f"bafy{len(self.records)}"})
        if method == "com.atproto.repo.getRecord":
            params = request.url.params
            uri = f"at://{params['repo']}/{params['collection']}/{params['rkey']}"
            if uri not in self.records:
                return error(400, "RecordNotFound", f"Could not locate record: {uri}")
            return httpx.Response(
                200, json={"uri": uri, "cid": "bafy1", "value": self.records[uri]}
            )
        if method == "com.atproto.repo.deleteRecord":
            self.records.pop(f"at://{body['repo']}/{body['collection']}/{body['rkey']}", None)
            return httpx.Response(200, json={})
        return error(501, "MethodNotImplemented", "not faked")

    def sent(self, method: str) -> list[dict]:
        return [
            json.loads(request.content)
            for request in self.requests
            if request.url.path == f"/xrpc/{method}"
        ]


def error(status: int, name: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": name, "message": message})


@pytest.fixture
def fake():
    return FakePds()


def connector(fake, password=PASSWORD) -> Bluesky:
    seam = Seam("bluesky", transport=httpx.MockTransport(fake))
    return Bluesky(
        "alice.test", {"server": "https://pds.example"}, {"password": password}, seam=seam
    )


def assert_just_now(created_at: str):
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", created_at)
    when = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    assert abs(datetime.now(UTC) - when) < timedelta(seconds=30)


def test_publish_sends_one_create_record_with_the_text_the_link_facets_and_the_keys_rkey(fake):
    key = "00063f5a1b2c3d4e9f8a7b6c"
    text = "Appeal closed 👮‍♀️ details: https://example.police.uk/appeal."
    remote = connector(fake).publish(text, key=key)

    assert [r.url.path for r in fake.requests] == [
        "/xrpc/com.atproto.server.createSession",
        "/xrpc/com.atproto.repo.createRecord",
    ]
    assert fake.sent("com.atproto.server.createSession") == [
        {"identifier": "alice.test", "password": "app-password"}
    ]
    (sent,) = fake.sent("com.atproto.repo.createRecord")
    assert_just_now(sent["record"].pop("createdAt"))
    start = len("Appeal closed 👮‍♀️ details: ".encode())
    assert sent == {
        "repo": "did:plc:alice",
        "collection": POST,
        "rkey": rkey_for(key),
        "record": {
            "$type": POST,
            "text": text,
            "facets": [
                {
                    "$type": "app.bsky.richtext.facet",
                    "index": {
                        "$type": "app.bsky.richtext.facet#byteSlice",
                        "byteStart": start,
                        "byteEnd": start + len("https://example.police.uk/appeal"),
                    },
                    "features": [
                        {
                            "$type": "app.bsky.richtext.facet#link",
                            "uri": "https://example.police.uk/appeal",
                        }
                    ],
                }
            ],
        },
    }
    uri = f"at://did:plc:alice/{POST}/{rkey_for(key)}"
    assert remote == Remote(
        id=uri,
        url=f"https://bsky.app/profile/alice.test/post/{rkey_for(key)}",
        text=text,
        extra={"cid": "bafy1", "root_uri": uri, "root_cid": "bafy1"},
    )


def test_a_post_without_links_sends_no_facets(fake):
    connector(fake).publish("Road reopened.", key=new_key())
    (sent,) = fake.sent("com.atproto.repo.createRecord")
    assert set(sent["record"]) == {"$type", "text", "createdAt"}


def test_a_reply_names_the_threads_root_and_its_parent_by_uri_and_cid(fake):
    bluesky = connector(fake)
    post = bluesky.publish("The post", key=new_key())
    first = bluesky.reply(post, "A correction", key=new_key())
    second = bluesky.reply(first, "An apology", key=new_key())

    sent = fake.sent("com.atproto.repo.createRecord")
    root = {"$type": "com.atproto.repo.strongRef", "uri": post.id, "cid": "bafy1"}
    assert sent[1]["record"]["reply"] == {
        "$type": "app.bsky.feed.post#replyRef",
        "root": root,
        "parent": root,
    }
    assert sent[2]["record"]["reply"] == {
        "$type": "app.bsky.feed.post#replyRef",
        "root": root,
        "parent": {"$type": "com.atproto.repo.strongRef", "uri": first.id, "cid": "bafy2"},
    }
    assert second.extra == {"cid": "bafy3", "root_uri": post.id, "root_cid": "bafy1"}


def test_a_reply_to_a_post_known_only_by_its_uri_reads_its_cid_first(fake):
    bluesky = connector(fake)
    post = bluesky.publish("The post", key=new_key())
    bluesky.reply(Remote(id=post.id), "A correction", key=new_key())
    assert [r.url.path.rsplit(".", 1)[-1] for r in fake.requests] == [
        "createSession",
        "createRecord",
        "getRecord",
        "createRecord",
    ]
    assert (
        fake.sent("com.atproto.repo.createRecord")[1]["record"]["reply"]["parent"]["cid"] == "bafy1"
    )


def test_a_reply_to_a_post_that_is_gone_is_permanent(fake):
    gone = Remote(id=f"at://did:plc:alice/{POST}/3kabcdefghij2")
    with pytest.raises(PlatformError, match="no longer there") as raised:
        connector(fake).reply(gone, "A correction", key=new_key())
    assert raised.value.permanent
    assert fake.sent("com.atproto.repo.createRecord") == []


def test_it_logs_in_once_and_sends_amends_user_agent_through_the_seam(fake):
    bluesky = connector(fake)
    bluesky.publish("one", key=new_key())
    bluesky.publish("two", key=new_key())
    assert len(fake.sent("com.atproto.server.createSession")) == 1
    assert {r.headers["User-Agent"] for r in fake.requests} == {USER_AGENT}
    assert [e.url for e in bluesky.seam.take()][-1] == (
        "https://pds.example/xrpc/com.atproto.repo.createRecord"
    )
    assert "app-password" not in repr(bluesky)


def test_a_retry_of_a_delivery_that_reached_bluesky_returns_the_first_post(fake):
    key = new_key()
    first = connector(fake).publish("Once only", key=key)
    again = connector(fake).publish("Once only", key=key)
    assert again.id == first.id
    assert len(fake.records) == 1


def test_bad_credentials_are_permanent_with_blueskys_own_words(fake):
    with pytest.raises(PlatformError) as raised:
        connector(fake, password="wrong").check()
    assert raised.value.permanent
    assert raised.value.status == 401
    assert "Invalid identifier or password" in str(raised.value)


def test_a_record_bluesky_refuses_is_permanent(fake):
    bluesky = connector(fake)
    bluesky.check()
    fake.answers.append(error(400, "InvalidRequest", "Invalid app.bsky.feed.post record"))
    with pytest.raises(PlatformError) as raised:
        bluesky.publish("x" * 301, key=new_key())
    assert raised.value.permanent
    assert "Invalid app.bsky.feed.post record" in str(raised.value)


@pytest.mark.parametrize(
    "answer",
    [
        error(429, "RateLimitExceeded", "Rate Limit Exceeded"),
        error(500, "InternalServerError", "Internal Server Error"),
        error(502, "UpstreamFailure", "Bad Gateway"),
        error(503, "NotEnoughResources", "try later"),
        error(400, "SomethingNew", "an error nobody documented"),
        httpx.Response(504, text="<html>gateway timeout</html>"),
    ],
    ids=["429", "500", "502", "503", "unknown-400", "504-html"],
)
def test_rate_limits_server_errors_and_unknown_errors_are_worth_retrying(fake, answer):
    bluesky = connector(fake)
    bluesky.check()
    fake.answers.extend([answer, error(400, "RecordNotFound", "Could not locate record")])
    with pytest.raises(PlatformError) as raised:
        bluesky.publish("Hello", key=new_key())
    assert not raised.value.permanent
    assert raised.value.status == answer.status_code


@pytest.mark.parametrize(
    "failure", [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError]
)
def test_network_failures_are_worth_retrying(fake, failure):
    def down(request):
        raise failure("no", request=request)

    seam = Seam("bluesky", transport=httpx.MockTransport(down))
    bluesky = Bluesky("alice.test", {"server": "https://pds.example"}, {"password": "p"}, seam=seam)
    with pytest.raises(PlatformError) as raised:
        bluesky.check()
    assert not raised.value.permanent
    assert "https://pds.example/xrpc/com.atproto.server.createSession" in str(raised.value)


def test_edit_is_refused_permanently_because_bluesky_cannot_edit(fake):
    with pytest.raises(PlatformError, match="cannot edit") as raised:
        connector(fake).edit(Remote(id="at://x/y/z"), "new", key=new_key())
    assert raised.value.permanent
    assert fake.requests == []


def test_measure_counts_graphemes_and_bytes():
    bluesky = Bluesky("alice.test", {}, {})
    assert str(bluesky.measure("👮‍♀️" * 10)) == "10 of 300 graphemes, 130 of 3,000 bytes"
    assert not bluesky.measure("a" * 301).fits


# Against the real PDS.


@pytest.fixture
def account(pds):
    """A fresh account on the PDS and a connector for it: (connector, did)."""
    handle, password = f"desk{uuid.uuid4().hex[:10]}.test", secrets.token_urlsafe(12)
    did, handle = pds.create_account(handle, password)
    return Bluesky(handle, {"server": pds.url}, {"password": password}), did


def texts_on(pds, did) -> list[str]:
    return sorted(record["value"]["text"] for record in pds.list_records(did, POST))


def test_check_logs_in_and_returns_the_accounts_did(account):
    bluesky, did = account
    assert bluesky.check() == {"did": did}


def test_a_published_post_is_on_the_server_with_exactly_its_text_and_link(pds, account):
    bluesky, did = account
    text = "Missing person found safe 💙 Thank you: https://example.police.uk/appeal/42"
    remote = bluesky.publish(text, key=new_key())

    (record,) = pds.list_records(did, POST)
    assert record["uri"] == remote.id
    assert record["cid"] == remote.extra["cid"]
    assert record["value"]["text"] == text
    (facet,) = record["value"]["facets"]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert text.encode()[start:end] == b"https://example.police.uk/appeal/42"
    assert (
        remote.url == f"https://bsky.app/profile/{bluesky.handle}/post/{remote.id.rsplit('/')[-1]}"
    )
    assert all(e.url.startswith(pds.url) for e in bluesky.seam.take())


def test_replies_thread_under_the_post_and_a_reply_to_a_reply_keeps_the_root(pds, account):
    bluesky, did = account
    post = bluesky.publish("We said Tuesday.", key=new_key())
    correction = bluesky.reply(post, "Correction: it was Wednesday.", key=new_key())
    apology = bluesky.reply(correction, "Sorry for the mistake.", key=new_key())

    records = {record["uri"]: record for record in pds.list_records(did, POST)}
    assert "reply" not in records[post.id]["value"]
    root = {"uri": post.id, "cid": records[post.id]["cid"]}
    assert_ref(records[correction.id]["value"]["reply"], root=root, parent=root)
    parent = {"uri": correction.id, "cid": records[correction.id]["cid"]}
    assert_ref(records[apology.id]["value"]["reply"], root=root, parent=parent)


def assert_ref(reply: dict, *, root: dict, parent: dict):
    assert {k: reply["root"][k] for k in ("uri", "cid")} == root
    assert {k: reply["parent"][k] for k in ("uri", "cid")} == parent


def test_publishing_twice_with_one_key_makes_one_post(pds, account):
    bluesky, did = account
    key = new_key()
    first = bluesky.publish("Road closed on the A1.", key=key)
    # A retry after a crash: another connector, another session, the same delivery.
    retry = Bluesky(bluesky.handle, bluesky.settings, bluesky.secrets).publish(
        "Road closed on the A1.", key=key
    )
    assert retry.id == first.id
    assert texts_on(pds, did) == ["Road closed on the A1."]


def test_find_finds_the_post_a_key_made_and_nothing_for_an_unused_key(account):
    bluesky, _ = account
    key = new_key()
    made = bluesky.publish("Found by its key", key=key)
    found = bluesky.find(key, "Found by its key")
    assert found == made
    assert bluesky.find(new_key(), "Found by its key") is None


def test_delete_removes_the_post_and_deleting_again_is_fine(pds, account):
    bluesky, did = account
    keep = bluesky.publish("Stays", key=new_key())
    gone = bluesky.publish("Goes", key=new_key())
    assert bluesky.fetch(gone).text == "Goes"

    bluesky.delete(gone)
    assert texts_on(pds, did) == ["Stays"]
    bluesky.delete(gone)
    assert bluesky.fetch(gone) is None
    assert bluesky.fetch(keep) == keep


@pytest.mark.parametrize(
    "text",
    [
        "e\u0301" * 300,  # 300 graphemes, 900 bytes
        "e\u0301" * 301,
        "👨‍👩‍👧‍👦" * 120,  # 120 graphemes, 3,000 bytes
        "👨‍👩‍👧‍👦" * 120 + "!",  # 3,001 bytes
        "🇬🇧👍🏽" * 150,  # flags and skin tones: 300 graphemes, 1,800 bytes
    ],
    ids=["300-graphemes", "301-graphemes", "3000-bytes", "3001-bytes", "flags-and-tones"],
)
def test_the_pds_accepts_exactly_what_measure_says_fits(account, text):
    bluesky, _ = account
    if bluesky.measure(text).fits:
        assert bluesky.publish(text, key=new_key()).text == text
    else:
        with pytest.raises(PlatformError) as raised:
            bluesky.publish(text, key=new_key())
        assert raised.value.permanent
        assert "too big" in str(raised.value)


def test_a_wrong_password_is_permanent_with_the_platforms_message(pds, account):
    bluesky, _ = account
    wrong = Bluesky(bluesky.handle, {"server": pds.url}, {"password": "not-the-password"})
    with pytest.raises(PlatformError) as raised:
        wrong.check()
    assert raised.value.permanent
    assert raised.value.status == 401
    assert "Invalid identifier or password" in str(raised.value)


def test_a_stopped_server_is_worth_retrying_and_posting_resumes_when_it_returns(pds, account):
    bluesky, did = account
    bluesky.publish("Before the outage", key=new_key())
    key = new_key()
    pds.stop()
    try:
        with pytest.raises(PlatformError) as raised:
            bluesky.publish("During the outage", key=key)
        assert not raised.value.permanent
        with pytest.raises(PlatformError) as raised:
            Bluesky(bluesky.handle, bluesky.settings, bluesky.secrets).check()
        assert not raised.value.permanent
    finally:
        pds.start()
    bluesky.publish("During the outage", key=key)
    assert texts_on(pds, did) == ["Before the outage", "During the outage"]
