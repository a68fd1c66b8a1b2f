"""The Facebook Page connector against recorded responses.

No Facebook server can run locally. Each answer here is a recording beside the connector
(src/amends/connectors/facebook/recordings/), shaped as the Graph API reference documents it and
naming the page it comes from; httpx.MockTransport serves them through the seam, and every test
asserts the exact request sent.
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pytest

from amends.connectors.base import PlatformError, Remote
from amends.connectors.facebook import connector as facebook_connector
from amends.connectors.facebook.connector import Facebook
from amends.connectors.http import Seam
from amends.connectors.strategy import EDIT, REPLY, plan_correction
from tests.support import recordings

RECORDINGS = Path(facebook_connector.__file__).parent / "recordings"
AT = datetime(2026, 5, 14, 9, 30, tzinfo=UTC)
PAGE, TOKEN = "1353269864728879", "page-access-token"
POST = Remote(
    id="1353269864728879_1661203157268880",
    url="https://www.facebook.com/1353269864728879/posts/1661203157268880",
)
GRAPH = "https://graph.facebook.com/v21.0"


def recording(name: str) -> dict:
    return recordings.recording(RECORDINGS, name)


class Platform(recordings.Replay):
    folder = RECORDINGS

    @property
    def sent(self) -> list[tuple[str, str, dict | None]]:
        """(method, URL, form fields) of every request."""
        return [
            (r.method, str(r.url), dict(parse_qsl(r.content.decode())) if r.content else None)
            for r in self.requests
        ]


def connect(*answers, **settings) -> tuple[Facebook, Platform]:
    platform = Platform(*answers)
    seam = Seam("facebook", transport=httpx.MockTransport(platform))
    page = Facebook("examplepolice", {"page": PAGE, **settings}, {"token": TOKEN}, seam=seam)
    return page, platform


def test_every_recording_names_its_source_in_metas_documentation():
    for path in RECORDINGS.glob("*.json"):
        source = json.loads(path.read_text())["source"]
        assert source.startswith("https://developers.facebook.com/docs/"), path.name


# Publishing, replying, editing, deleting, reading back


def test_publish_posts_the_message_to_the_pages_feed_with_the_token_in_a_header():
    page, platform = connect("publish_post")
    remote = page.publish("The appeal closes on 4 May.", key="delivery-1")
    assert platform.sent == [
        ("POST", f"{GRAPH}/{PAGE}/feed", {"message": "The appeal closes on 4 May."})
    ]
    request = platform.requests[0]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert TOKEN not in str(request.url)
    assert remote == Remote(
        id="1353269864728879_1661203157268880",
        url="https://www.facebook.com/1353269864728879/posts/1661203157268880",
        text="The appeal closes on 4 May.",
    )


def test_the_server_can_be_overridden():
    page, platform = connect("publish_post", server="http://127.0.0.1:9/v21.0/")
    page.publish("Hello", key="delivery-1")
    assert platform.sent[0][1] == f"http://127.0.0.1:9/v21.0/{PAGE}/feed"


def test_a_reply_is_a_comment_on_the_post_made_as_the_page():
    page, platform = connect("reply_comment")
    reply = page.reply(POST, "Sorry: it closes on 14 May.", key="delivery-2")
    assert platform.sent == [
        ("POST", f"{GRAPH}/{POST.id}/comments", {"message": "Sorry: it closes on 14 May."})
    ]
    assert reply.id == "1661203157268880_1661364040586125"
    assert reply.url == f"{POST.url}?comment_id=1661203157268880_1661364040586125"


def test_an_edit_replaces_the_message_of_the_same_post():
    page, platform = connect("edit_post")
    text = "The appeal closes on 14 May.\n\nCorrection (09:30): “14”, not “4”."
    edited = page.edit(POST, text, key="delivery-3")
    assert platform.sent == [("POST", f"{GRAPH}/{POST.id}", {"message": text})]
    assert (edited.id, edited.url, edited.text) == (POST.id, POST.url, text)


def test_delete_removes_the_post_and_a_post_already_gone_is_not_an_error():
    gone = {
        **recording("error_not_found"),
        "request": {"method": "DELETE", "path": "/v21.0/" + POST.id},
    }
    page, platform = connect("delete_post", gone)
    page.delete(POST)
    page.delete(POST)
    assert platform.sent == [("DELETE", f"{GRAPH}/{POST.id}", None)] * 2


def test_fetch_reads_the_message_and_the_permalink():
    page, platform = connect("get_post")
    remote = page.fetch(POST)
    assert platform.sent == [("GET", f"{GRAPH}/{POST.id}?fields=message%2Cpermalink_url", None)]
    assert remote.text.startswith("The appeal closes on 14 May.\n\nCorrection (09:30): ")
    assert remote.url == "https://www.facebook.com/1353269864728879/posts/1661203157268880/"


def test_fetching_a_post_that_no_longer_exists_answers_none():
    page, _ = connect("error_not_found")
    assert page.fetch(POST) is None


def test_replies_are_the_posts_comments():
    page, platform = connect("comments")
    replies = page.replies(POST)
    assert platform.sent == [("GET", f"{GRAPH}/{POST.id}/comments", None)]
    assert [(r.id, r.text) for r in replies] == [
        ("1661203157268880_1661364040586125", "Thanks for correcting it.")
    ]


# Reconciling after a crash


def test_check_reads_the_pages_name():
    page, platform = connect("page")
    assert page.check() == {"page_name": "Example Police"}
    assert platform.sent == [("GET", f"{GRAPH}/{PAGE}?fields=id%2Cname", None)]


def test_find_reads_the_pages_posts_and_matches_the_exact_message():
    page, platform = connect("page_posts")
    found = page.find("delivery-1", "The appeal closes on 4 May.")
    assert platform.sent == [
        (
            "GET",
            f"{GRAPH}/{PAGE}/posts?fields=message%2Ccomments%7Bmessage%2Cfrom%7D",
            None,
        )
    ]
    assert found.id == "1353269864728879_1661203157268880"


def test_find_finds_a_reply_the_page_made_and_not_a_strangers_copy_of_it():
    page, _ = connect("page_posts")
    found = page.find("delivery-2", "Sorry: the closure is between junctions 4 and 5.")
    assert found.id == "1661203157268899_1661364040586191"  # the Page's comment, not A. Resident's
    assert found.url.endswith(
        "/posts/1661203157268899?comment_id=1661203157268899_1661364040586191"
    )


def test_find_answers_none_when_nothing_has_that_exact_message():
    page, _ = connect("page_posts")
    assert page.find("delivery-3", "The appeal closes on 4 May") is None


# Errors: which are permanent


@pytest.mark.parametrize(
    ("answer", "status", "code"),
    [
        ("error_token", 400, 190),
        ("error_permission", 403, 200),
        ("error_permission_denied", 403, 10),
        ("error_invalid_parameter", 400, 100),
    ],
)
def test_documented_refusals_are_permanent(answer, status, code):
    page, _ = connect(answer)
    with pytest.raises(PlatformError) as caught:
        page.publish("Hello", key="delivery-1")
    said = recording(answer)["body"]["error"]["message"]
    assert (caught.value.permanent, caught.value.status) == (True, status)
    assert str(caught.value) == f"facebook: {status} {said} (code {code})"
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    "answer",
    ["error_rate_limit_4", "error_rate_limit_17", "error_rate_limit_32", "error_rate_limit_613"],
)
def test_rate_limits_are_transient(answer):
    page, _ = connect(answer)
    with pytest.raises(PlatformError) as caught:
        page.publish("Hello", key="delivery-1")
    assert not caught.value.permanent
    assert "limit" in str(caught.value)


def test_a_server_error_is_transient():
    page, _ = connect("error_unknown")
    with pytest.raises(PlatformError) as caught:
        page.publish("Hello", key="delivery-1")
    assert (caught.value.permanent, caught.value.status) == (False, 500)


def test_a_server_error_is_transient_whatever_code_it_carries():
    broken = recording("error_token")
    page, _ = connect({**broken, "status": 502})
    with pytest.raises(PlatformError) as caught:
        page.publish("Hello", key="delivery-1")
    assert (caught.value.permanent, caught.value.status) == (False, 502)


def test_an_unknown_code_is_not_assumed_permanent():
    odd = recording("error_invalid_parameter")
    odd = {**odd, "body": {"error": {**odd["body"]["error"], "code": 9999}}}
    page, _ = connect(odd)
    with pytest.raises(PlatformError) as caught:
        page.publish("Hello", key="delivery-1")
    assert not caught.value.permanent


def test_editing_or_replying_to_a_post_that_no_longer_exists_is_permanent():
    gone = recording("error_not_found")
    page, _ = connect(
        {**gone, "request": {"method": "POST", "path": f"/v21.0/{POST.id}"}},
        {**gone, "request": {"method": "POST", "path": f"/v21.0/{POST.id}/comments"}},
    )
    for call in (
        lambda: page.edit(POST, "Corrected", key="delivery-3"),
        lambda: page.reply(POST, "Sorry", key="delivery-4"),
    ):
        with pytest.raises(PlatformError) as caught:
            call()
        assert (caught.value.permanent, caught.value.status) == (True, 400)


def test_an_unreachable_graph_api_is_transient():
    page, _ = connect(httpx.ConnectTimeout("timed out"))
    with pytest.raises(PlatformError) as caught:
        page.publish("Hello", key="delivery-1")
    assert (caught.value.permanent, caught.value.status) == (False, None)
    assert str(caught.value) == f"facebook: cannot reach {GRAPH}/{PAGE}/feed: timed out"


# The correction strategy


def test_a_correction_is_an_edit_in_place_with_a_plain_words_note_however_old_the_post():
    page, _ = connect()
    plan = plan_correction(
        page,
        old="The appeal closes on 4 May.",
        new="The appeal closes on 14 May.",
        reason="Wrong date.",
        at=AT,
        zone=UTC,
        published_at=AT - timedelta(days=30),
        edits=40,
    )
    assert (plan.how, plan.fits) == (EDIT, True)
    assert plan.text.startswith("The appeal closes on 14 May.\n\nCorrection (09:30): ")
    assert "<" not in plan.text


def test_a_correction_that_cannot_fit_says_so_and_is_never_cut():
    page, _ = connect()
    # Few words (the word diff is quadratic), many characters.
    old, new = "x" * 63190 + " closes on 4 May.", "x" * 63190 + " closes on 14 May."
    edit = plan_correction(page, old=old, new=new, reason="Wrong date.", at=AT, zone=UTC)
    assert (edit.how, edit.fits) == (EDIT, False)
    assert edit.text.startswith(new)
    assert edit.text.endswith("Wrong date.")
    assert "of 63,206 characters on facebook:examplepolice; shorten it" in edit.why
    reply = plan_correction(
        page, old=old, new=new, reason="x" * 70000, at=AT, zone=UTC, as_reply=True
    )
    assert (reply.how, reply.fits) == (REPLY, False)
    assert reply.text.endswith("x" * 70000 + ".")


# What the public does about a post, gathered for the inbox


def test_engagement_reads_comments_and_public_shares():
    page, platform = connect("comments", "sharedposts")
    got = page.engagement([POST], None)
    assert [(s.kind, s.author, s.text) for s in got.seen] == [
        ("reply", "A. Resident", "Thanks for correcting it."),
        ("repost", "Community Watch Group", "Keep an eye out for this car."),
    ]
    assert got.seen[0].url == f"{POST.url}?comment_id=1661203157268880_1661364040586125"
    assert got.seen[1].url == "https://www.facebook.com/10158329104799999/posts/1661399999999999"
    assert got.seen[1].at == datetime(2026, 5, 14, 9, 55, 12, tzinfo=UTC)
    assert got.reads == 2
    assert platform.requests[1].url.params["fields"] == (
        "id,from,message,created_time,permalink_url"
    )
    assert all(r.headers["Authorization"] == f"Bearer {TOKEN}" for r in platform.requests)
