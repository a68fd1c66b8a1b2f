"""The WordPress connector: the exact requests it sends (against httpx.MockTransport), its pure
text helpers, and everything it does against a real WordPress 6.1 site on loopback (the
session's ``wordpress`` fixture, checked through the site's own REST API)."""

import base64
import json
import re
import secrets
import time
from datetime import UTC, datetime
from html.parser import HTMLParser

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.connectors.base import PlatformError, Remote
from amends.connectors.http import Seam
from amends.connectors.strategy import edit_text
from amends.connectors.wordpress.connector import (
    WordPress,
    made_at,
    paragraphs,
    slug_of,
    title_of,
)
from amends.text.render import correction_html

SERVER = "https://police.example"
API = f"{SERVER}/wp-json/wp/v2"
ORIGINAL = "Witness appeal: the appeal closes on 4 May. Call 101 with information."
CORRECTED = "Witness appeal: the appeal closes on 14 May. Call 101 with information."
AT = datetime(2025, 5, 2, 14, 5, tzinfo=UTC)


def new_key() -> str:
    """A delivery key of the outbox's shape: microseconds since the epoch, then randomness."""
    return f"{time.time_ns() // 1000:016x}{secrets.token_hex(4)}"


# The exact requests, against a mock transport.


class Recorder:
    """A fake WordPress: answers from a list of (method, path) -> (status, body) and keeps
    every request."""

    def __init__(self, answers: dict | None = None):
        self.answers = answers or {}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix("/wp-json/wp/v2/")
        status, body = self.answers.get((request.method, path), (200, {}))
        if isinstance(body, Exception):
            raise body
        return httpx.Response(status, json=body)

    def sent(self) -> list[tuple[str, str, dict, object]]:
        """(method, path, query, JSON body) of each request."""
        out = []
        for request in self.requests:
            path = request.url.path.removeprefix("/wp-json/wp/v2/")
            body = json.loads(request.content) if request.content else None
            out.append((request.method, path, dict(request.url.params), body))
        return out


def connector(recorder: Recorder, **settings) -> WordPress:
    seam = Seam("wordpress", transport=httpx.MockTransport(recorder))
    settings = {"server": SERVER, "user": "comms", **settings}
    return WordPress("news", settings, {"password": "abcd efgh ijkl"}, seam=seam)


def post_body(number: int, raw: str, **more) -> dict:
    return {"id": number, "link": f"{SERVER}/p/{number}/", "content": {"raw": raw}, **more}


def test_publish_sends_a_published_post_with_title_paragraphs_and_keyed_slug():
    recorder = Recorder({("POST", "posts"): (201, post_body(12, "<p>x</p>"))})
    key = "0006273a1b2c3d4e9f86d081"
    remote = connector(recorder).publish("Road closed: <A38> & bypass.\n\nUse the\nA30.", key=key)

    [(method, path, query, body)] = recorder.sent()
    assert (method, path, query) == ("POST", "posts", {})
    assert body == {
        "title": "Road closed: &lt;A38&gt; &amp; bypass. Use the A30.",
        "content": "<p>Road closed: &lt;A38&gt; &amp; bypass.</p>\n\n<p>Use the<br />\nA30.</p>",
        "status": "publish",
        "slug": "road-closed-a38-bypass-use-the-a30-9f86d081",
    }
    assert remote == Remote("post:12", f"{SERVER}/p/12/", "<p>x</p>", {"type": "post"})


def test_requests_carry_the_application_password_as_basic_auth():
    recorder = Recorder({("POST", "posts"): (201, post_body(12, ""))})
    connector(recorder).publish("Hello", key=new_key())
    expected = base64.b64encode(b"comms:abcd efgh ijkl").decode()
    assert recorder.requests[0].headers["authorization"] == f"Basic {expected}"
    assert str(recorder.requests[0].url) == f"{API}/posts"


def test_a_server_without_a_scheme_is_reached_over_https():
    recorder = Recorder({("POST", "posts"): (201, post_body(1, ""))})
    connector(recorder, server="police.example/").publish("Hello", key=new_key())
    assert str(recorder.requests[0].url) == f"{API}/posts"


def test_reply_to_a_post_is_a_comment_carrying_the_key():
    recorder = Recorder({("POST", "comments"): (201, post_body(34, "Sorry.", post=12))})
    remote = connector(recorder).reply(Remote("post:12"), "Sorry <we> erred.", key="k1")

    assert recorder.sent() == [
        (
            "POST",
            "comments",
            {},
            {
                "content": "Sorry &lt;we&gt; erred.",
                "author_user_agent": "Amends delivery k1",
                "post": 12,
            },
        )
    ]
    assert remote.id == "comment:34"
    assert remote.extra == {"type": "comment", "post": 12}


def test_reply_to_a_comment_names_its_post_and_parent():
    recorder = Recorder({("POST", "comments"): (201, post_body(35, "More.", post=12))})
    parent = Remote("comment:34", extra={"type": "comment", "post": 12})
    connector(recorder).reply(parent, "More.", key="k2")
    [(_, _, _, body)] = recorder.sent()
    assert body == {
        "content": "More.",
        "author_user_agent": "Amends delivery k2",
        "post": 12,
        "parent": 34,
    }


def test_reply_to_a_comment_known_only_by_id_asks_for_its_post_first():
    recorder = Recorder(
        {
            ("GET", "comments/34"): (200, post_body(34, "Hi", post=12)),
            ("POST", "comments"): (201, post_body(35, "More.", post=12)),
        }
    )
    connector(recorder).reply(Remote("comment:34"), "More.", key="k3")
    sent = recorder.sent()
    assert sent[0] == ("GET", "comments/34", {"context": "edit"}, None)
    assert sent[1][3]["post"] == 12
    assert sent[1][3]["parent"] == 34


def test_the_first_edit_saves_the_post_unchanged_then_sends_the_correction():
    recorder = Recorder(
        {
            ("GET", "posts/12/revisions"): (200, []),
            ("POST", "posts/12"): (200, post_body(12, "new")),
        }
    )
    text = '<del><span class="visually-hidden">deleted text: </span>4</del> May'
    sent = '<p><del><span class="screen-reader-text">deleted text: </span>4</del> May</p>'
    connector(recorder).edit(Remote("post:12"), text, key=new_key())

    assert recorder.sent() == [
        ("GET", "posts/12/revisions", {"per_page": "1", "_fields": "id"}, None),
        ("POST", "posts/12", {}, {}),
        (
            "POST",
            "posts/12",
            {},
            {"content": sent},
        ),
    ]


def test_a_later_edit_sends_only_the_correction():
    recorder = Recorder(
        {
            ("GET", "posts/12/revisions"): (200, [{"id": 40}]),
            ("POST", "posts/12"): (200, post_body(12, "new")),
        }
    )
    connector(recorder).edit(Remote("post:12"), "<p>New</p>", key=new_key())
    assert [(m, p, b) for m, p, _, b in recorder.sent()] == [
        ("GET", "posts/12/revisions", None),
        ("POST", "posts/12", {"content": "<p>New</p>"}),
    ]


def test_editing_a_comment_sends_its_content_as_given():
    recorder = Recorder({("POST", "comments/34"): (200, post_body(34, "x", post=12))})
    connector(recorder).edit(Remote("comment:34"), "Sorry, <ins>14</ins> May.", key="k")
    assert recorder.sent() == [
        ("POST", "comments/34", {}, {"content": "Sorry, <ins>14</ins> May."})
    ]


def test_delete_trashes_then_deletes_for_good():
    recorder = Recorder()
    connector(recorder).delete(Remote("post:12"))
    assert recorder.sent() == [
        ("DELETE", "posts/12", {}, None),
        ("DELETE", "posts/12", {"force": "true"}, None),
    ]


@pytest.mark.parametrize("status", [404, 410])
def test_deleting_what_is_already_gone_is_no_error(status):
    gone = {"code": "rest_post_invalid_id", "message": "Invalid post ID."}
    recorder = Recorder({("DELETE", "posts/12"): (status, gone)})
    assert connector(recorder).delete(Remote("post:12")) is None
    # 404: gone for good, nothing more to ask; 410: in the trash, so it deletes for good too.
    expected = [("DELETE", "posts/12", {})]
    if status == 410:
        expected.append(("DELETE", "posts/12", {"force": "true"}))
    assert [(m, p, q) for m, p, q, _ in recorder.sent()] == expected


def test_deleting_what_wordpress_refuses_is_an_error():
    refused = {"code": "rest_cannot_delete", "message": "Sorry, you are not allowed."}
    recorder = Recorder({("DELETE", "posts/12"): (403, refused)})
    with pytest.raises(PlatformError, match="not allowed"):
        connector(recorder).delete(Remote("post:12"))


def test_a_comment_is_deleted_at_its_own_address():
    recorder = Recorder()
    connector(recorder).delete(Remote("comment:34"))
    assert [(m, p) for m, p, _, _ in recorder.sent()] == [
        ("DELETE", "comments/34"),
        ("DELETE", "comments/34"),
    ]


@pytest.mark.parametrize(
    ("status", "body"),
    [(404, {"code": "rest_post_invalid_id"}), (200, {"id": 12, "status": "trash"})],
)
def test_fetch_says_none_for_a_post_gone_or_in_the_trash(status, body):
    recorder = Recorder({("GET", "posts/12"): (status, body)})
    assert connector(recorder).fetch(Remote("post:12")) is None
    assert recorder.sent() == [("GET", "posts/12", {"context": "edit"}, None)]


def test_fetch_returns_the_content_as_wordpress_holds_it():
    recorder = Recorder({("GET", "posts/12"): (200, post_body(12, "<p>Now</p>", status="publish"))})
    assert connector(recorder).fetch(Remote("12")).text == "<p>Now</p>"


def test_find_looks_for_the_keyed_slug_then_the_keyed_comment():
    key = "0006273a1b2c3d4e9f86d081"
    recorder = Recorder(
        {
            ("GET", "posts"): (200, []),
            ("GET", "comments"): (
                200,
                [
                    {**post_body(33, "Other", post=12), "author_user_agent": "Mozilla/5.0"},
                    {
                        **post_body(34, "Sorry.", post=12),
                        "author_user_agent": f"Amends delivery {key}",
                    },
                ],
            ),
        }
    )
    found = connector(recorder, user_id=7).find(key, "Sorry.")
    assert found.id == "comment:34"
    (_, _, posts, _), (_, _, comments, _) = recorder.sent()
    assert posts == {
        "slug": "sorry-9f86d081,sorry-9f86d081__trashed",
        "status": "any,trash",
        "context": "edit",
    }
    made = made_at(key).strftime("%Y-%m-%dT%H:%M:%S")
    assert comments["author"] == "7"
    assert comments["after"] < made
    assert comments["status"] == "all"


def test_find_says_none_when_nothing_carries_the_key():
    recorder = Recorder({("GET", "posts"): (200, []), ("GET", "comments"): (200, [])})
    assert connector(recorder, user_id=7).find(new_key(), "Hello") is None


def test_check_returns_the_user_id():
    me = {"id": 7, "capabilities": {"publish_posts": True, "moderate_comments": True}}
    recorder = Recorder({("GET", "users/me"): (200, me)})
    assert connector(recorder).check() == {"user_id": 7}
    assert recorder.sent() == [("GET", "users/me", {"context": "edit"}, None)]


def test_check_refuses_a_user_who_cannot_moderate_comments():
    me = {
        "id": 7,
        "username": "comms",
        "roles": ["author"],
        "capabilities": {"publish_posts": True},
    }
    recorder = Recorder({("GET", "users/me"): (200, me)})
    with pytest.raises(PlatformError, match="comms is author and lacks moderate_comments") as error:
        connector(recorder).check()
    assert error.value.permanent


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (401, "rest_not_logged_in"),
        (401, "incorrect_password"),
        (401, "rest_cannot_create"),
        (403, "rest_cannot_create"),
        (403, "rest_cannot_edit"),
        (404, "rest_post_invalid_id"),
        (400, "rest_invalid_param"),
        (409, "comment_duplicate"),
    ],
)
def test_documented_refusals_are_permanent(status, code):
    recorder = Recorder({("POST", "posts/12"): (status, {"code": code, "message": "No."})})
    with pytest.raises(PlatformError) as error:
        connector(recorder).edit(Remote("post:12"), "<p>x</p>", key="k")
    assert error.value.permanent
    assert error.value.status == status
    assert str(error.value).startswith(f"wordpress: {status} No.")


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "some_plugin_refusal"),
        (418, ""),
        (429, "too_many_requests"),
        (500, "rest_post_invalid_id"),
        (502, ""),
        (503, ""),
    ],
)
def test_unknown_4xx_throttling_and_server_errors_are_not_permanent(status, code):
    recorder = Recorder({("POST", "posts"): (status, {"code": code, "message": "Hmm."})})
    with pytest.raises(PlatformError) as error:
        connector(recorder).publish("Hello", key=new_key())
    assert not error.value.permanent
    assert error.value.status == status


def test_an_unreachable_site_is_not_permanent():
    recorder = Recorder({("POST", "posts"): (0, httpx.ConnectError("refused"))})
    with pytest.raises(PlatformError, match="cannot reach") as error:
        connector(recorder).publish("Hello", key=new_key())
    assert not error.value.permanent


def test_a_redirect_says_which_address_to_use():
    def redirect(request):
        return httpx.Response(301, headers={"location": "https://www.police.example/wp-json/"})

    seam = Seam("wordpress", transport=httpx.MockTransport(redirect))
    wp = WordPress("news", {"server": SERVER, "user": "u"}, {"password": "p"}, seam=seam)
    with pytest.raises(PlatformError, match=r"answers from https://www\.police\.example/wp-json/"):
        wp.check()


def test_a_site_that_answers_without_json_is_a_clear_error():
    seam = Seam(
        "wordpress", transport=httpx.MockTransport(lambda r: httpx.Response(200, text="<html>"))
    )
    wp = WordPress("news", {"server": SERVER, "user": "u"}, {"password": "p"}, seam=seam)
    with pytest.raises(PlatformError, match="no JSON"):
        wp.check()


def test_the_connector_never_shows_its_password():
    wp = connector(Recorder())
    assert "abcd" not in repr(wp)


# Pure helpers.


def test_a_short_text_is_its_own_title():
    assert title_of("  Road   closed\non the A38. ") == "Road closed on the A38."


def test_a_long_title_is_cut_at_a_word_with_an_ellipsis():
    text = "Witness appeal after a collision on the A38 near Saltash on Sunday evening, 4 May."
    title = title_of(text)
    assert title == "Witness appeal after a collision on the A38 near Saltash on…"
    assert len(title) <= 60


def test_a_single_very_long_word_is_cut_inside_it():
    assert title_of("x" * 100) == "x" * 59 + "…"


@given(st.text())
def test_a_title_is_at_most_60_characters_and_starts_the_text(text):
    title = title_of(text)
    words = " ".join(text.split())
    assert len(title) <= 60
    assert words.startswith(title.removesuffix("…").rstrip())


@given(st.text(), st.text(alphabet="0123456789abcdef", min_size=24, max_size=24))
def test_a_slug_is_lowercase_ascii_words_and_ends_with_the_key(text, key):
    slug = slug_of(text, key)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert slug.endswith(f"-{key[-8:]}")
    assert len(slug) <= 60


def test_a_slug_keeps_accented_words_readable():
    assert slug_of("Café on Stryd Fawr closed", "ab12cd34") == "cafe-on-stryd-fawr-closed-ab12cd34"


def test_a_key_tells_when_its_delivery_was_made():
    made = datetime(2025, 5, 2, 14, 5, 6, 789000, tzinfo=UTC)
    micros = int(made.timestamp()) * 1_000_000 + made.microsecond
    assert made_at(f"{micros:016x}9f86d081") == made
    assert made_at("k1") is None


class Nesting(HTMLParser):
    """Fails on any end tag that does not close the innermost open element."""

    def __init__(self):
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)

    def handle_startendtag(self, tag, attrs):  # <br />
        pass

    def handle_endtag(self, tag):
        assert self.open, f"</{tag}> closes nothing"
        assert self.open[-1] == tag, f"</{tag}> closes <{self.open[-1]}>"
        self.open.pop()


def well_formed(markup: str) -> bool:
    parser = Nesting()
    parser.feed(markup)
    parser.close()
    return not parser.open


def test_a_change_across_a_blank_line_is_closed_and_reopened_in_each_paragraph():
    html = correction_html("Road closed.\n\nUse the A30.", "Road open.\n\nUse the A38.")
    markup = paragraphs(html)
    assert well_formed(markup)
    assert markup.count("<p>") == 2


def test_the_correction_note_stays_its_own_paragraph():
    markup = paragraphs("Closes <del>4</del><ins>14</ins> May.\n\n<p><em>Correction.</em></p>")
    assert markup == "<p>Closes <del>4</del><ins>14</ins> May.</p>\n\n<p><em>Correction.</em></p>"


words = st.lists(st.sampled_from(["road", "closed", "A38", "&", "<b>", "\n", "\n\n", " "]))


@given(words, words)
def test_every_correction_is_well_formed_in_paragraphs(old, new):
    html = correction_html("".join(old), "".join(new))
    assert well_formed(paragraphs(html))


# Against a real WordPress site.


@pytest.fixture
def wp(wordpress):
    return WordPress(
        "news",
        {"server": wordpress.url, "user": wordpress.user},
        {"password": wordpress.app_password},
    )


def number(remote: Remote) -> int:
    return int(remote.id.split(":")[1])


def test_check_against_wordpress_returns_the_administrator(wp, wordpress):
    assert wp.check() == {"user_id": wordpress.user_id}


def test_publish_makes_a_live_post_with_that_text(wp, wordpress):
    text = "Road closed: A38 at <Saltash> & the bridge.\n\nUse the A30."
    remote = wp.publish(text, key=new_key())

    post = wordpress.post(number(remote))
    assert post["status"] == "publish"
    assert (
        post["title"]["raw"] == "Road closed: A38 at &lt;Saltash&gt; &amp; the bridge. Use the A30."
    )
    assert post["content"]["raw"] == remote.text
    assert "<p>Road closed: A38 at &lt;Saltash&gt; &amp; the bridge.</p>" in remote.text
    assert remote.url == post["link"]
    page = wordpress.page(remote.url)
    assert "Road closed: A38 at &lt;Saltash&gt; &amp; the bridge." in page
    assert "<Saltash>" not in page
    assert wordpress.revisions(number(remote)) == []  # WordPress makes none on creation


def test_a_correction_strikes_through_on_the_site_and_wordpress_keeps_the_earlier_wording(
    wp, wordpress
):
    remote = wp.publish(ORIGINAL, key=new_key())
    text = edit_text(wp, ORIGINAL, CORRECTED, reason="We gave the wrong date.", at=AT, zone=UTC)
    edited = wp.edit(remote, text, key=new_key())

    post = wordpress.post(number(remote))
    assert post["content"]["raw"] == edited.text
    rendered = post["content"]["rendered"]
    assert '<del><span class="screen-reader-text">deleted text: </span>4</del>' in rendered
    assert '<ins><span class="screen-reader-text">inserted text: </span>14</ins>' in rendered
    assert "Correction (14:05): “14”, not “4”. We gave the wrong date." in rendered
    page = wordpress.page(remote.url)
    assert '<del><span class="screen-reader-text">deleted text: </span>4</del>' in page
    assert re.search(r"\.screen-reader-text\{[^}]*position:absolute", page)  # the theme hides it

    revisions = [r["content"]["raw"] for r in wordpress.revisions(number(remote))]
    assert revisions == [edited.text, remote.text]  # newest first; the original is kept


def test_each_further_edit_adds_a_revision(wp, wordpress):
    remote = wp.publish("First.", key=new_key())
    wp.edit(remote, "<p>Second.</p>", key=new_key())
    wp.edit(remote, "<p>Third.</p>", key=new_key())
    revisions = [r["content"]["raw"] for r in wordpress.revisions(number(remote))]
    assert revisions == ["<p>Third.</p>", "<p>Second.</p>", "<p>First.</p>"]


def test_reply_makes_a_comment_by_the_user_and_a_reply_to_it_nests(wp, wordpress):
    remote = wp.publish("Appeal for witnesses.", key=new_key())
    sorry = wp.reply(remote, "Sorry: we got the date wrong.", key=new_key())
    more = wp.reply(sorry, "It closes on 14 May.", key=new_key())

    first, second = wordpress.comments(number(remote))
    assert (first["id"], second["id"]) == (number(sorry), number(more))
    assert first["content"]["raw"] == "Sorry: we got the date wrong."
    assert first["author"] == wordpress.user_id
    assert first["status"] == "approved"
    assert (second["parent"], second["post"]) == (number(sorry), number(remote))
    assert [r.id for r in wp.replies(remote)] == [sorry.id, more.id]
    assert [r.id for r in wp.replies(sorry)] == [more.id]


def test_delete_removes_the_post_its_revisions_and_comments(wp, wordpress):
    remote = wp.publish(ORIGINAL, key=new_key())
    wp.edit(remote, "<p>Changed.</p>", key=new_key())
    comment = wp.reply(remote, "A comment.", key=new_key())
    wp.delete(remote)

    client = wordpress.client
    assert client.get(f"posts/{number(remote)}", params={"context": "edit"}).status_code == 404
    assert client.get(f"posts/{number(remote)}/revisions").status_code == 404
    assert wordpress.comment(number(comment)) is None
    assert httpx.get(remote.url).status_code == 404
    wp.delete(remote)  # again: already gone is not an error
    assert wp.fetch(remote) is None


def test_after_a_crash_find_returns_the_post_so_it_is_not_sent_twice(wp, wordpress):
    key = new_key()
    sent = wp.publish(ORIGINAL, key=key)
    # The worker crashed before recording the result; a new process asks the platform.
    restarted = WordPress("news", dict(wp.settings), dict(wp.secrets))
    found = restarted.find(key, ORIGINAL)
    assert found == sent
    assert restarted.find(new_key(), ORIGINAL) is None  # the same words, another delivery


def test_find_returns_a_post_someone_trashed_since_and_fetch_reports_it_gone(wp, wordpress):
    key = new_key()
    sent = wp.publish("Put in the trash in wp-admin.", key=key)
    wordpress.delete_outside(number(sent))
    assert wp.find(key, "Put in the trash in wp-admin.").id == sent.id
    assert wp.fetch(sent) is None


def test_after_a_crash_find_returns_the_comment_a_reply_made(wp):
    remote = wp.publish("A post to answer.", key=new_key())
    key = new_key()
    sent = wp.reply(remote, "Our answer.", key=key)
    assert wp.find(key, "Our answer.") == sent
    assert wp.find(new_key(), "Our answer.") is None


def test_a_bad_application_password_is_a_permanent_error_in_wordpress_words(wordpress):
    wp = WordPress(
        "news", {"server": wordpress.url, "user": wordpress.user}, {"password": "wrong wrong"}
    )
    with pytest.raises(PlatformError) as error:
        wp.check()
    assert error.value.permanent
    assert error.value.status == 401
    assert "You are not currently logged in." in str(error.value)
    with pytest.raises(PlatformError) as error:
        wp.publish("Hello", key=new_key())
    assert error.value.permanent


def test_editing_a_post_deleted_in_wordpress_is_a_permanent_error(wp, wordpress):
    remote = wp.publish("Soon gone.", key=new_key())
    wordpress.delete_outside(number(remote), force=True)
    with pytest.raises(PlatformError, match="Invalid post ID") as error:
        wp.edit(remote, "<p>Too late.</p>", key=new_key())
    assert error.value.permanent


def test_wordpress_down_is_a_passing_error_and_it_works_again_when_back(wp, wordpress):
    remote = wp.publish("Before the outage.", key=new_key())
    wordpress.stop()
    try:
        with pytest.raises(PlatformError, match="cannot reach") as error:
            wp.publish("During the outage.", key=new_key())
        assert not error.value.permanent
        with pytest.raises(PlatformError) as error:
            wp.fetch(remote)
        assert not error.value.permanent
    finally:
        wordpress.start()
    assert wp.fetch(remote) == remote
    assert wordpress.post(number(wp.publish("After.", key=new_key())))["status"] == "publish"


def test_fetch_sees_an_edit_made_in_wordpress(wp, wordpress):
    remote = wp.publish(ORIGINAL, key=new_key())
    assert wp.fetch(remote).text == remote.text
    wordpress.edit_outside(number(remote), "<p>Someone changed this in wp-admin.</p>")
    assert wp.fetch(remote).text == "<p>Someone changed this in wp-admin.</p>"


@pytest.mark.parametrize("force", [False, True], ids=["trashed", "deleted"])
def test_fetch_says_none_after_a_deletion_in_wordpress(wp, wordpress, force):
    remote = wp.publish(ORIGINAL, key=new_key())
    wordpress.delete_outside(number(remote), force=force)
    assert wp.fetch(remote) is None
    wp.delete(remote)  # deleting what someone else trashed or deleted is no error
    assert wordpress.post(number(remote)) is None


def test_fetch_of_a_comment_returns_its_text(wp):
    remote = wp.publish("A post.", key=new_key())
    comment = wp.reply(remote, "A reply.", key=new_key())
    assert wp.fetch(comment) == comment
    wp.delete(comment)
    assert wp.fetch(comment) is None
