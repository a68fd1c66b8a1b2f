"""Starting from the mistake: a post made outside Amends — directly on the real Bluesky PDS, or
in the real WordPress — is adopted from its link, its exact wording captured, and the five
steps then reach it on the platform like any other post."""

import gzip
import hashlib
import io
import json
import uuid
import zipfile
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator

from amends.actions import (
    AddAccount,
    AdoptPost,
    CheckAccount,
    Correct,
    Forbidden,
    RemoveNow,
)
from amends.connectors import CONNECTORS, guard, links
from amends.delivery import outbox
from amends.delivery.worker import Worker
from amends.desk.models import Post
from amends.errors import BadInput, Refused
from amends.evidence import verify as verifier
from amends.record import api as record
from amends.record.log import RecordCorrupt
from tests.support import bluesky as support
from tests.support import recordings
from tests.support.api import Api, token_for
from tests.support.cli import run

SRC = Path(__file__).resolve().parent.parent / "src"
PASSWORD = "correct horse battery staple"
WRONG = "Officers will be at Mill Lane on 4 May. Call 101."


def drain() -> None:
    worker = Worker("test")
    while worker.step():
        pass


# --- recognising links -----------------------------------------------------------------------

LINKS = [
    ("https://bsky.app/profile/police.bsky.social/post/3kq2abcdxyz2a", "bluesky"),
    ("https://bsky.app/profile/did:plc:abc123/post/3kq2abcdxyz2a", "bluesky"),
    ("at://did:plc:abc123/app.bsky.feed.post/3kq2abcdxyz2a", "bluesky"),
    ("https://x.com/ExamplePolice/status/1790000000000000000", "x"),
    ("https://twitter.com/ExamplePolice/status/1790000000000000000?s=20", "x"),
    ("https://www.facebook.com/ExamplePolice/posts/pfbid02abcDEF", "facebook"),
    ("https://m.facebook.com/story.php?story_fbid=123&id=456", "facebook"),
    ("https://www.instagram.com/p/C7abcDEFghi/", "instagram"),
    ("https://nextdoor.co.uk/p/abcdef", "nextdoor"),
    ("https://news.police.example/2026/05/appeal/", None),  # any site: WordPress, Mastodon
]


@pytest.mark.parametrize(("url", "platform"), LINKS)
def test_links_are_recognised_by_their_shape(url, platform):
    assert links.platform_of(url) == platform


def test_bluesky_links_name_the_account_and_the_record():
    assert links.bluesky(LINKS[0][0]) == ("police.bsky.social", "3kq2abcdxyz2a")
    assert links.bluesky(LINKS[2][0]) == ("did:plc:abc123", "3kq2abcdxyz2a")
    assert links.bluesky("https://bsky.app/profile/police.bsky.social") is None


def test_wordpress_links_name_the_post_on_that_site_only():
    server = "https://news.police.example"
    assert links.wordpress("https://news.police.example/?p=42", server) == ("id", "42")
    assert links.wordpress("https://news.police.example/2026/05/appeal/", server) == (
        "slug",
        "appeal",
    )
    assert links.wordpress("https://elsewhere.example/2026/05/appeal/", server) is None
    assert links.wordpress("https://news.police.example/wp-admin/", server) is None


@given(st.text(max_size=300))
def test_any_text_is_recognised_or_not_without_failing(junk):
    links.platform_of(junk)
    links.bluesky(junk)
    links.wordpress(junk, "https://news.police.example")
    links.house(junk, "http://127.0.0.1:8000")


def test_a_link_that_is_not_a_link_is_one_clear_line(people):
    with pytest.raises(BadInput, match="url: give the whole link to the post"):
        AdoptPost(people.alice, url="mill lane post").run()


def test_a_link_to_a_platform_with_no_connected_account_says_so(people):
    with pytest.raises(Refused, match="not a post of any account connected on Nextdoor"):
        AdoptPost(people.alice, url="https://nextdoor.co.uk/p/abcdefGHIJ", wording="Hi").run()


def test_only_authors_and_supervisors_adopt(people):
    with pytest.raises(Forbidden):
        AdoptPost(people.fiona, url="https://bsky.app/profile/x.test/post/3kq2").run()


def test_a_link_to_the_forces_own_site_is_the_post_itself(people, settings):
    from amends.actions import Publish

    post = Publish(people.alice, account="house:news", text="On the site.").run()
    action = AdoptPost(people.alice, url=f"{settings.SITE_URL}/posts/{post.pk}/")
    assert action.run() == post
    assert action.again


# --- the real Bluesky PDS --------------------------------------------------------------------


@pytest.fixture
def bluesky(people, pds):
    """A fresh PDS account connected to Amends, and a way to post on it directly."""
    account = support.connect(pds)
    return {"handle": account.handle, "did": account.did, "post": account.post_directly}


def test_a_post_made_on_the_pds_is_adopted_corrected_and_removed(people, pds, bluesky):
    uri = post_uri = bluesky["post"](WRONG)
    rkey = uri.rsplit("/", 1)[1]
    link = f"https://bsky.app/profile/{bluesky['handle']}/post/{rkey}"
    post = AdoptPost(people.alice, url=link).run()
    assert post.wording == WRONG
    assert post.captured_at is not None
    assert post.copy.remote_id == post_uri
    entry, captured, signed = record.entries_about(post.subject)[:3]
    assert entry.kind == "post.adopted"
    assert record.read(entry.seq) == WRONG.encode()
    assert json.loads(entry.leaf)["data"]["url"] == link

    # What the PDS answered, kept exactly as WARC records that warcio reads back, digests
    # checked; no credential among them.
    assert captured.kind == "post.captured"
    warc = record.read(captured.seq)
    assert captured.read().data["sha256"] == hashlib.sha256(warc).hexdigest()
    kinds, answers = [], []
    for r in ArchiveIterator(io.BytesIO(warc), check_digests=True):
        kinds.append(r.rec_type)
        if r.rec_type == "response":
            answers.append(r.content_stream().read())
        if r.rec_type == "request":
            assert r.http_headers.get_header("Authorization") is None
    assert kinds[0] == "warcinfo"
    assert kinds.count("response") == kinds.count("request") == captured.read().data["exchanges"]
    assert any(WRONG.encode() in body for body in answers)  # the post as the PDS gave it
    assert b"accessJwt" not in warc  # the sign-in was never captured
    assert PASSWORD.encode() not in warc

    # The post as its repository signed it: the CAR, checked against the key the PLC
    # directory publishes for the account, proving the very wording recorded.
    assert signed.kind == "post.signed"
    facts = signed.read().data
    assert facts["wording"] == entry.seq
    assert facts["uri"] == post_uri
    assert facts["did"] == bluesky["did"]
    assert facts["key"].startswith("did:key:z")
    checked = verifier.atproto_record(record.read(signed.seq), uri=post_uri, did_key=facts["key"])
    assert checked["record"]["text"] == WRONG
    assert checked["cid"] == facts["cid"] == post.copy.extra["cid"]

    # The same post again, by its at:// link: the same post, nothing new recorded.
    size = record.size()
    again = AdoptPost(people.alice, url=uri)
    assert again.run() == post
    assert again.again
    assert record.size() == size

    # Correct it: Bluesky cannot edit, so the correction goes in the thread.
    Correct(
        people.alice, post=post.pk, text=WRONG.replace("4 May", "14 May"), reason="Wrong date"
    ).run()
    drain()
    texts = [r["value"]["text"] for r in pds.list_records(bluesky["did"])]
    assert any("“14”, not “4”" in t for t in texts)

    # Take it down: gone from the PDS.
    RemoveNow(
        people.sam, post=post.pk, ground="offensive", explanation="Wrong.", rationale="Test."
    ).run()
    drain()
    uris = [r["uri"] for r in pds.list_records(bluesky["did"])]
    assert post_uri not in uris
    # The capture held the wording: it is sealed with the rest of it.
    with pytest.raises(Refused, match="content is sealed"):
        record.read(captured.seq)
    with pytest.raises(Refused, match="content is sealed"):
        record.read(signed.seq)


def test_a_changed_post_adopted_again_is_captured_again(people, pds, bluesky):
    uri = bluesky["post"]("First wording.")
    post = AdoptPost(people.alice, url=uri).run()
    # Edited on the PDS (as another app could): the record is put again with new text.
    from amends.delivery.models import Copy

    copy = Copy.objects.get(post=post)
    copy.expect("something else")  # as if the platform now showed other wording
    copy.save()
    AdoptPost(people.alice, url=uri).run()
    # The wording captured again, and what the platform answered with it.
    kinds = [e.kind for e in record.entries_about(post.subject)]
    assert kinds[-3:] == ["post.recaptured", "post.captured", "post.signed"]
    again, signed = record.entries_about(post.subject)[-3], record.entries_about(post.subject)[-1]
    assert signed.read().data["wording"] == again.seq


def test_another_accounts_post_is_refused(people, pds, bluesky):
    stranger = f"s{uuid.uuid4().hex[:10]}.test"
    did, _ = pds.create_account(stranger, PASSWORD)
    with pytest.raises(Refused, match="not a post of any account connected on Bluesky"):
        AdoptPost(people.alice, url=f"at://{did}/app.bsky.feed.post/3kq2abcdxyz2a").run()


def test_the_command_line_and_the_api_adopt(people, pds, bluesky):
    uri = bluesky["post"]("Made in the app.")
    adopted = run("adopt", uri, "--as", "alice", "--json")
    assert adopted.exit_code == 0, adopted.output
    out = json.loads(adopted.stdout)
    assert out["adopted"] is True
    api = Api(token_for(people.sam))
    again = api.call("POST", "/api/posts/adopt", {"url": uri})
    assert again.status_code == 200
    assert again.json()["post"] == out["post"]
    assert again.json()["adopted"] is False
    refused = api.call("POST", "/api/posts/adopt", {"url": "nonsense"})
    assert refused.status_code == 400
    assert refused.json()["field"] == "url"


def test_the_desk_takes_a_pasted_link(people, pds, bluesky, client):
    uri = bluesky["post"]("Pasted into the desk.")
    client.force_login(people.alice)
    assert "Paste the post's link, or some of its words" in client.get("/desk/").content.decode()
    page = client.post("/desk/posts/adopt/", {"url": uri, "back": "today"}, follow=True)
    text = page.content.decode()
    assert "adopted: its wording on" in text
    assert "Made outside Amends" in text
    assert "not known to Amends" in text
    signed = record.entries_about(Post.objects.get(copy__remote_id=uri).subject)[-1]
    assert "Bluesky signs its posts: the signed copy was checked" in text
    assert f"from record entry {signed.seq}" in text
    # Words search the posts Amends knows; a link to nobody's account says so in words.
    words = client.post("/desk/posts/adopt/", {"url": "mill lane", "back": "today"})
    assert words.url == "/desk/posts/?q=mill+lane"
    elsewhere = {"url": "https://example.org/2026/05/appeal/", "back": "today"}
    wrong = client.post("/desk/posts/adopt/", elsewhere, follow=True)
    assert "This is not a post of any account connected" in wrong.content.decode()


def test_the_signed_copy_travels_in_the_evidence_pack_and_is_checked(
    people, pds, bluesky, tmp_path
):
    from amends.actions import ExportPack

    uri = bluesky["post"](WRONG)
    post = AdoptPost(people.alice, url=uri).run()
    done = ExportPack(
        people.fiona, output=tmp_path / "p.zip", post=post.pk, purpose="Complaint", reference="C/2"
    ).run()
    result = verifier.verify(str(done.path), unwitnessed=True)
    assert result["platform_signed"] == 1
    # The report says what the capture proves.
    with zipfile.ZipFile(done.path) as z:
        (name,) = [n for n in z.namelist() if n.endswith("data/report.html")]
        report = z.read(name).decode()
    assert "Made outside Amends: captured from Bluesky at" in report
    assert "Bluesky signs its posts: its signed copy (record entry" in report
    assert "posts as their platform signed them (Bluesky): 1" in verifier.summary(result)

    # A signed copy of another post, recorded as proving this post's wording: caught.
    other = bluesky["post"]("Something else entirely.")
    from amends.connectors import Remote, connector_for

    connector = connector_for(post.account)
    forged = connector.prove(Remote(id=other))
    adopted = record.entries_about(post.subject)[0]
    record.append(
        "post.signed",
        {"post": post.pk, "format": forged.format, "wording": adopted.seq, **forged.facts},
        actor="alice",
        subject=post.subject,
        content=forged.data,
    )
    # The pack is checked before it is handed out: Amends refuses to make it.
    forging = ExportPack(
        people.fiona, output=tmp_path / "q.zip", post=post.pk, purpose="Complaint", reference="C/3"
    )
    with pytest.raises(RecordCorrupt, match=f"holds other words than entry {adopted.seq},"):
        forging.run()
    assert not (tmp_path / "q.zip").exists()


# --- the real WordPress ----------------------------------------------------------------------


def test_a_post_made_in_wordpress_is_adopted_and_corrected_in_place(people, wordpress):
    key = f"wordpress:blog{uuid.uuid4().hex[:6]}"
    AddAccount(
        None,
        key=key,
        settings={"server": wordpress.url, "user": wordpress.user},
        secrets={"password": wordpress.app_password},
        as_operator=True,
    ).run()
    CheckAccount(None, account=key, as_operator=True).run()
    made = wordpress._json(
        "POST", "posts", json={"title": "Appeal", "content": WRONG, "status": "publish"}
    )
    post = AdoptPost(people.alice, url=made["link"]).run()
    assert post.wording == WRONG
    same = AdoptPost(people.alice, url=f"{wordpress.url}/?p={made['id']}")
    assert same.run() == post
    Correct(
        people.alice, post=post.pk, text=WRONG.replace("4 May", "14 May"), reason="Wrong date"
    ).run()
    drain()
    content = wordpress.post(made["id"])["content"]["raw"]
    assert '<ins><span class="screen-reader-text">inserted text: </span>14</ins>' in content


# --- Mastodon (the fake: no real Mastodon server can run here) -------------------------------


def test_a_status_made_on_mastodon_is_adopted_and_edited_in_place(people, mastodon):
    """Through ``mastodon-mock`` (tests/support/servers/mastodon.py says why it is a fake)."""
    key = "mastodon:testuser"
    AddAccount(
        None,
        key=key,
        settings={"server": mastodon.url},
        secrets={"token": mastodon.token},
        as_operator=True,
    ).run()
    CheckAccount(None, account=key, as_operator=True).run()
    made = mastodon.api("POST", "/api/v1/statuses", json={"status": WRONG}).json()
    link = f"{mastodon.url}/@testuser/{made['id']}"
    post = AdoptPost(people.alice, url=link).run()
    assert post.wording == WRONG
    assert post.copy.remote_id == str(made["id"])
    Correct(
        people.alice, post=post.pk, text=WRONG.replace("4 May", "14 May"), reason="Wrong date"
    ).run()
    drain()
    shown = mastodon.api("GET", f"/api/v1/statuses/{made['id']}/source").json()["text"]
    assert "14 May" in shown
    with pytest.raises(Refused, match="not a post of any account connected"):
        AdoptPost(people.alice, url=f"{mastodon.url}/@testuser/999999999").run()


# --- X and Facebook, against recorded responses ------------------------------------------------
# No X or Facebook server can run here: each answer is a recording beside the connector, shaped
# after the page of the platform's API reference it names (tests/support/recordings.py).

X_LINK = "https://x.com/ExamplePolice/status/1790000000000000000?s=46"
FB_PAGE = "1353269864728879"
FB_PFBID = (
    "https://www.facebook.com/ExamplePolice/posts/"
    "pfbid0Z9sLmQwE3rT7yUiOpA1sDfGhJkL2zXcVbNm4QwErTyUiOpAsDfGhl?mibextid=WC7FNe"
)


def replaying(monkeypatch, platform: str, *answers) -> recordings.Replay:
    """Every connector's requests answered by ``answers`` from ``platform``'s recordings."""
    folder = Path(CONNECTORS[platform].__module__.replace(".", "/")).parent
    replay = type("Recorded", (recordings.Replay,), {"folder": SRC / folder / "recordings"})(
        *answers
    )
    monkeypatch.setattr(guard, "transport", lambda: httpx.MockTransport(replay))
    return replay


def connect(platform: str, settings: dict) -> str:
    key = f"{platform}:examplepolice"
    AddAccount(None, key=key, settings=settings, secrets={"token": "t"}, as_operator=True).run()
    return key


def test_a_long_post_made_in_xs_app_is_adopted_whole_with_its_edit_history(people, monkeypatch):
    connect("x", {})
    replay = replaying(monkeypatch, "x", "get_post_long", "users_me")
    post = AdoptPost(people.alice, url=X_LINK).run()
    whole = recordings.recording(replay.folder, "get_post_long")["body"]["data"]["note_tweet"]
    assert post.wording == whole["text"]  # not the cut text X gives beside it
    assert [r.url.path for r in replay.requests] == [
        "/2/tweets/1790000000000000000",
        "/2/users/me",
    ]
    adopted = record.Leaf.parse(record.entries_about(post.subject)[0].leaf)
    assert adopted.kind == "post.adopted"
    assert adopted.data["edit_history"] == ["1789999999999999990", "1790000000000000000"]
    # Made on 4 May and edited once already: X's 30 minutes count from then, so the correction
    # is planned as a reply in the thread, never as an edit X would refuse.
    assert post.copy.published_at.isoformat() == "2026-05-04T09:12:44+00:00"
    assert post.copy.edits == 1
    planned = outbox.plan(post, post.wording, post.wording.replace("4 May", "14 May"), "Wrong")
    assert planned.how == "reply"
    assert "30 minutes" in planned.why


def test_what_x_answered_is_kept_and_travels_in_the_evidence_pack(people, monkeypatch, tmp_path):
    from amends.actions import ExportPack
    from amends.evidence import verify as verifier

    connect("x", {})
    replaying(monkeypatch, "x", "get_post_long", "users_me")
    post = AdoptPost(people.alice, url=X_LINK).run()
    captured = record.entries_about(post.subject)[1]
    assert captured.kind == "post.captured"
    warc = record.read(captured.seq)
    whole = recordings.recording(SRC / "amends/connectors/x/recordings", "get_post_long")
    assert whole["body"]["data"]["note_tweet"]["text"].encode() in gzip.decompress(warc)
    assert b"Bearer" not in gzip.decompress(warc)  # the token never kept
    done = ExportPack(
        people.fiona, output=tmp_path / "p.zip", post=post.pk, purpose="Complaint", reference="C/1"
    ).run()
    with zipfile.ZipFile(done.path) as z:
        (name,) = [n for n in z.namelist() if n.endswith(verifier.content_path(captured.seq))]
        assert z.read(name) == warc  # the platform's answers, byte for byte
        (report,) = [n for n in z.namelist() if n.endswith("data/report.html")]
        assert "X does not sign posts: the capture rests on this record alone" in (
            z.read(report).decode()
        )
    assert verifier.verify(str(done.path), unwitnessed=True)["ok"]


def test_a_post_by_another_x_account_is_not_adopted(people, monkeypatch):
    connect("x", {})
    replaying(monkeypatch, "x", "get_post_other_author", "users_me")
    before = record.size()
    with pytest.raises(Refused, match="not a post of any account connected on X"):
        AdoptPost(people.alice, url="https://twitter.com/someone/status/1790000000000000001").run()
    assert record.size() == before


def test_a_facebook_post_is_adopted_from_its_pfbid_link_and_corrected_in_place(people, monkeypatch):
    connect("facebook", {"page": FB_PAGE})
    replay = replaying(monkeypatch, "facebook", "page_permalinks", "get_post_adopted", "edit_post")
    post = AdoptPost(people.alice, url=FB_PFBID).run()
    assert post.wording == "Officers will be at Mill Lane on 4 May. Call 101."
    assert post.copy.remote_id == f"{FB_PAGE}_1661203157268880"
    asked = replay.requests[0].url
    assert asked.path == f"/v21.0/{FB_PAGE}/posts"
    assert asked.params["fields"] == "permalink_url"
    Correct(
        people.alice, post=post.pk, text=post.wording.replace("4 May", "14 May"), reason="Wrong"
    ).run()
    drain()
    edit = replay.requests[-1]
    assert (edit.method, edit.url.path) == ("POST", f"/v21.0/{FB_PAGE}_1661203157268880")
    assert "14+May" in edit.content.decode()


def test_a_facebook_link_with_the_posts_number_is_asked_for_directly(people, monkeypatch):
    connect("facebook", {"page": FB_PAGE})
    replay = replaying(monkeypatch, "facebook", "get_post_adopted")
    link = f"https://www.facebook.com/{FB_PAGE}/posts/1661203157268880/"
    post = AdoptPost(people.alice, url=link).run()
    assert [r.url.path for r in replay.requests] == [f"/v21.0/{FB_PAGE}_1661203157268880"]
    assert post.wording.startswith("Officers will be at Mill Lane")
    with pytest.raises(Refused, match="not a post of any account connected on Facebook"):
        AdoptPost(people.alice, url="https://www.facebook.com/999/posts/1661203157268880/").run()
    assert len(replay.requests) == 1  # another Page's post: nothing asked


X_AND_FACEBOOK_LINKS = [
    ("https://x.com/ExamplePolice/status/1790000000000000000", "1790000000000000000"),
    ("https://twitter.com/ExamplePolice/status/1790000000000000000?s=20", "1790000000000000000"),
    ("https://mobile.twitter.com/ExamplePolice/status/17/photo/1", "17"),
    ("https://x.com/i/web/status/1445880548472328192", "1445880548472328192"),
    ("https://x.com/ExamplePolice", None),
    ("https://x.com/ExamplePolice/status/notanumber", None),
    ("https://example.com/ExamplePolice/status/17", None),
]


@pytest.mark.parametrize(("url", "post"), X_AND_FACEBOOK_LINKS)
def test_x_links_name_the_post(url, post):
    assert links.x(url) == post


@pytest.mark.parametrize(
    ("url", "found"),
    [
        (FB_PFBID, ("pfbid0Z9sLmQwE3rT7yUiOpA1sDfGhJkL2zXcVbNm4QwErTyUiOpAsDfGhl", None)),
        (f"https://www.facebook.com/{FB_PAGE}/posts/1661/", ("1661", FB_PAGE)),
        ("https://m.facebook.com/story.php?story_fbid=123&id=456", ("123", "456")),
        (
            "https://www.facebook.com/permalink.php?story_fbid=pfbid02abcdefghijk&id=9",
            ("pfbid02abcdefghijk", "9"),
        ),
        ("https://www.facebook.com/share/p/1AbCdEfGh/", None),
        ("https://www.facebook.com/ExamplePolice", None),
    ],
)
def test_facebook_links_name_the_post_and_its_page(url, found):
    assert links.facebook(url) == found


@given(st.text(max_size=300))
def test_any_text_is_an_x_or_facebook_link_or_not_without_failing(junk):
    links.x(junk)
    links.facebook(junk)
