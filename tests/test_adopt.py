"""Starting from the mistake: a post made outside Amends — directly on the real Bluesky PDS, or
in the real WordPress — is adopted from its link, its exact wording captured, and the five
steps then reach it on the platform like any other post."""

import json
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.actions import (
    AddAccount,
    AdoptPost,
    CheckAccount,
    Correct,
    Forbidden,
    RemoveNow,
)
from amends.connectors import links
from amends.delivery.worker import Worker
from amends.errors import BadInput, Refused
from amends.record import api as record
from tests.support import bluesky as support
from tests.support.api import Api, token_for
from tests.support.cli import run

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


def test_a_platform_amends_cannot_read_yet_says_so(people):
    with pytest.raises(Refused, match="cannot read posts from Instagram yet"):
        AdoptPost(people.alice, url="https://www.instagram.com/p/C7abcDEFghi/").run()


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
    entry = record.entries_about(post.subject)[0]
    assert entry.kind == "post.adopted"
    assert record.read(entry.seq) == WRONG.encode()
    assert json.loads(entry.leaf)["data"]["url"] == link

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


def test_a_changed_post_adopted_again_is_captured_again(people, pds, bluesky):
    uri = bluesky["post"]("First wording.")
    post = AdoptPost(people.alice, url=uri).run()
    # Edited on the PDS (as another app could): the record is put again with new text.
    from amends.delivery.models import Copy

    copy = Copy.objects.get(post=post)
    copy.expect("something else")  # as if the platform now showed other wording
    copy.save()
    AdoptPost(people.alice, url=uri).run()
    assert record.entries_about(post.subject)[-1].kind == "post.recaptured"


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
    assert "Paste its link" in client.get("/desk/").content.decode()
    page = client.post("/desk/posts/adopt/", {"url": uri, "back": "today"}, follow=True)
    text = page.content.decode()
    assert "adopted: its wording on" in text
    assert "Made outside Amends" in text
    assert "not known to Amends" in text
    wrong = client.post("/desk/posts/adopt/", {"url": "mill lane", "back": "today"}, follow=True)
    assert "Give the whole link to the post" in wrong.content.decode()


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
