"""The X connector against recorded responses.

No X server can run locally. Each answer here is a recording beside the connector
(src/amends/connectors/x/recordings/), shaped exactly as X's API reference documents it and
naming the page it comes from; httpx.MockTransport serves them through the seam, and every test
asserts the exact request sent.
"""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from amends.connectors.base import PlatformError, Remote
from amends.connectors.http import Seam
from amends.connectors.strategy import EDIT, QUOTE, REPLY, plan_correction
from amends.connectors.x import connector as x_connector
from amends.connectors.x.connector import X
from tests.support import recordings

RECORDINGS = Path(x_connector.__file__).parent / "recordings"
AT = datetime(2026, 5, 14, 9, 30, tzinfo=UTC)
TOKEN = "user-access-token"
POSTED = "The appeal closes on 4 May. Details: https://example.police.uk/appeals/4-may"


def recording(name: str) -> dict:
    return recordings.recording(RECORDINGS, name)


class Platform(recordings.Replay):
    folder = RECORDINGS

    @property
    def sent(self) -> list[tuple[str, str, object]]:
        """(method, URL, JSON body) of every request."""
        return [
            (r.method, str(r.url), json.loads(r.content) if r.content else None)
            for r in self.requests
        ]


def connect(*answers, **settings) -> tuple[X, Platform]:
    platform = Platform(*answers)
    seam = Seam("x", transport=httpx.MockTransport(platform))
    return X("examplepolice", settings, {"token": TOKEN}, seam=seam), platform


def test_every_recording_names_its_source_in_xs_documentation():
    for path in RECORDINGS.glob("*.json"):
        assert json.loads(path.read_text())["source"].startswith("https://docs.x.com/"), path.name


# Publishing, replying, editing, deleting, reading back


def test_publish_posts_the_text_alone_with_the_users_token():
    x, platform = connect("create_post")
    remote = x.publish(POSTED, key="delivery-1")
    assert platform.sent == [("POST", "https://api.x.com/2/tweets", {"text": POSTED})]
    request = platform.requests[0]
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert remote.id == "1445880548472328192"
    assert remote.url == "https://x.com/i/web/status/1445880548472328192"
    assert remote.extra == {"edit_history_tweet_ids": ["1445880548472328192"]}


def test_the_wording_x_hands_back_compares_equal_to_what_was_sent():
    x, _ = connect("create_post")
    remote = x.publish(POSTED, key="delivery-1")
    assert remote.text == "The appeal closes on 4 May. Details: https://t.co/56a0vZUx7i"
    assert x.comparable(remote.text) == x.comparable(POSTED)
    assert x.comparable(remote.text) != x.comparable(POSTED.replace("4 May", "14 May"))


def test_the_server_can_be_overridden():
    x, platform = connect("create_post", server="http://127.0.0.1:9/2/")
    x.publish(POSTED, key="delivery-1")
    assert platform.sent[0][1] == "http://127.0.0.1:9/2/tweets"


def test_a_reply_names_the_post_it_answers():
    x, platform = connect("reply_post")
    parent = Remote(id="1445880548472328192")
    reply = x.reply(parent, "Correction (09:30): “14”, not “4”.", key="delivery-2")
    assert platform.sent == [
        (
            "POST",
            "https://api.x.com/2/tweets",
            {
                "text": "Correction (09:30): “14”, not “4”.",
                "reply": {"in_reply_to_tweet_id": "1445880548472328192"},
            },
        )
    ]
    assert reply.id == "1445880548472328193"


def test_an_edit_is_a_new_post_that_replaces_the_old_and_extends_the_edit_chain():
    x, platform = connect("edit_post")
    original = Remote(
        id="1445880548472328192",
        extra={"edit_history_tweet_ids": ["1445880548472328192"]},
    )
    text = "The appeal closes on 14 May. Details: https://example.police.uk/appeals/4-may"
    edited = x.edit(original, text, key="delivery-3")
    assert platform.sent == [
        (
            "POST",
            "https://api.x.com/2/tweets",
            {"text": text, "edit_options": {"previous_post_id": "1445880548472328192"}},
        )
    ]
    assert edited.id == "1445880548472328199"
    assert edited.extra == {
        "edit_history_tweet_ids": ["1445880548472328192", "1445880548472328199"]
    }


def test_a_second_edit_replaces_the_newest_version():
    x, platform = connect("edit_post")
    once = Remote(
        id="1445880548472328195",
        extra={"edit_history_tweet_ids": ["1445880548472328192", "1445880548472328195"]},
    )
    twice = x.edit(once, "Third wording", key="delivery-4")
    assert platform.sent[0][2]["edit_options"] == {"previous_post_id": "1445880548472328195"}
    assert twice.extra["edit_history_tweet_ids"] == [
        "1445880548472328192",
        "1445880548472328195",
        "1445880548472328199",
    ]


def test_delete_removes_the_post():
    x, platform = connect("delete_post")
    x.delete(Remote(id="1445880548472328192"))
    assert platform.sent == [("DELETE", "https://api.x.com/2/tweets/1445880548472328192", None)]


def test_deleting_a_post_already_gone_is_not_an_error():
    gone = recording("get_post_not_found")
    answers = [
        {**gone, "request": {"method": "DELETE", "path": gone["request"]["path"]}},
        {**gone, "request": {"method": "DELETE", "path": gone["request"]["path"]}, "status": 404},
    ]
    x, platform = connect(*answers)
    x.delete(Remote(id="1445880548472328192"))
    x.delete(Remote(id="1445880548472328192"))
    assert len(platform.requests) == 2


def test_fetch_asks_for_the_text_and_the_edit_history_and_unescapes_the_text():
    x, platform = connect("get_post")
    remote = x.fetch(Remote(id="1445880548472328192"))
    assert platform.sent == [
        (
            "GET",
            "https://api.x.com/2/tweets/1445880548472328192"
            "?tweet.fields=author_id%2Ccreated_at%2Cedit_history_tweet_ids%2Cnote_tweet%2Ctext",
            None,
        )
    ]
    assert remote.text == (
        "Road closed & diverted: temperatures < 0 tonight. Details: https://t.co/56a0vZUx7i"
    )
    assert x.comparable(remote.text) == x.comparable(
        "Road closed & diverted: temperatures < 0 tonight. Details: https://example.police.uk/r"
    )


def test_fetch_by_an_older_versions_id_reads_the_newest_version():
    x, platform = connect("get_post_edited_old", "get_post_edited_new")
    remote = x.fetch(Remote(id="1234567890"))
    assert [url for _, url, _ in platform.sent] == [
        "https://api.x.com/2/tweets/1234567890?tweet.fields=author_id%2Ccreated_at%2Cedit_history_tweet_ids%2Cnote_tweet%2Ctext",
        "https://api.x.com/2/tweets/1234567891?tweet.fields=author_id%2Ccreated_at%2Cedit_history_tweet_ids%2Cnote_tweet%2Ctext",
    ]
    assert (remote.id, remote.text) == ("1234567891", "Updated text (edited)")
    assert remote.extra == {"edit_history_tweet_ids": ["1234567890", "1234567891"]}


def test_fetch_answers_none_for_a_deleted_post_whether_x_says_200_or_404():
    gone = recording("get_post_not_found")
    x, _ = connect(gone, {**gone, "status": 404})
    assert x.fetch(Remote(id="1445880548472328192")) is None
    assert x.fetch(Remote(id="1445880548472328192")) is None


# Reconciling after a crash


def test_check_learns_the_users_id():
    x, platform = connect("users_me")
    assert x.check() == {"user_id": "2244994945"}
    assert platform.sent == [("GET", "https://api.x.com/2/users/me", None)]


def test_find_reads_the_users_recent_posts_and_matches_the_wording():
    x, platform = connect("user_posts", user_id="2244994945")
    found = x.find(
        "delivery-9",
        "Missing person found safe & well. Thank you for sharing: https://example.police.uk/m/1",
    )
    assert platform.sent == [
        (
            "GET",
            "https://api.x.com/2/users/2244994945/tweets"
            "?max_results=100&tweet.fields=author_id%2Ccreated_at%2Cedit_history_tweet_ids%2Cnote_tweet%2Ctext",
            None,
        )
    ]
    assert found.id == "1445880548472328199"


def test_find_takes_the_newest_post_with_that_wording_and_its_edit_chain():
    x, _ = connect("user_posts", user_id="2244994945")
    found = x.find(
        "delivery-3", "The appeal closes on 14 May. Details: https://example.police.uk/a"
    )
    assert found.id == "1445880548472328195"
    assert found.extra == {"edit_history_tweet_ids": ["1445880548472328192", "1445880548472328195"]}


def test_find_answers_none_when_the_post_was_never_made():
    x, _ = connect("user_posts", user_id="2244994945")
    assert x.find("delivery-1", "The appeal closes on 4 May.") is None


def test_find_asks_who_the_user_is_when_check_was_never_run():
    x, platform = connect("users_me", "user_posts")
    assert x.find("delivery-1", "The appeal closes on 14 May.").id == "1445880548472328190"
    assert [url.split("?")[0] for _, url, _ in platform.sent] == [
        "https://api.x.com/2/users/me",
        "https://api.x.com/2/users/2244994945/tweets",
    ]


# Counting


def test_measure_reports_weighted_characters_of_280():
    x, _ = connect()
    measure = x.measure("日本語 https://example.police.uk/" + "a" * 300)
    assert measure.counts == ((6 + 1 + 23, 280, "weighted characters"),)
    assert str(measure) == "30 of 280 weighted characters"
    assert not x.measure("a" * 281).fits


# Errors: which are permanent


@pytest.mark.parametrize(
    ("answer", "status", "said"),
    [
        ("error_unauthorized", 401, "x: 401 Unauthorized"),
        ("error_edit_forbidden", 403, "x: 403 You are not permitted to edit this Post."),
        (
            "error_invalid_request",
            400,
            "x: 400 One or more parameters to your request was invalid.: "
            "Your Tweet text is too long.",
        ),
    ],
)
def test_documented_refusals_are_permanent(answer, status, said):
    x, _ = connect(answer)
    with pytest.raises(PlatformError) as caught:
        x.edit(Remote(id="1445880548472328192"), "Too late", key="delivery-3")
    assert (caught.value.permanent, caught.value.status, str(caught.value)) == (
        True,
        status,
        said,
    )
    assert TOKEN not in str(caught.value)


def test_a_rate_limit_is_transient_and_says_when_it_resets():
    x, _ = connect("error_rate_limit")
    with pytest.raises(PlatformError) as caught:
        x.publish(POSTED, key="delivery-1")
    assert (caught.value.permanent, caught.value.status) == (False, 429)
    assert str(caught.value) == (
        "x: 429 Too Many Requests (the limit resets at 2024-01-16 16:00 UTC)"
    )


def test_a_server_error_is_transient():
    x, _ = connect("error_service_unavailable")
    with pytest.raises(PlatformError) as caught:
        x.publish(POSTED, key="delivery-1")
    assert (caught.value.permanent, caught.value.status) == (False, 503)


def test_an_unknown_client_error_is_not_assumed_permanent():
    conflict = {**recording("error_service_unavailable"), "status": 409}
    x, _ = connect(conflict)
    with pytest.raises(PlatformError) as caught:
        x.publish(POSTED, key="delivery-1")
    assert (caught.value.permanent, caught.value.status) == (False, 409)


def test_an_unreachable_x_is_transient():
    x, _ = connect(httpx.ConnectError("connection refused"))
    with pytest.raises(PlatformError) as caught:
        x.publish(POSTED, key="delivery-1")
    assert (caught.value.permanent, caught.value.status) == (False, None)
    assert str(caught.value) == ("x: cannot reach https://api.x.com/2/tweets: connection refused")


def test_a_success_without_data_is_an_error_in_xs_words():
    gone = recording("get_post_not_found")
    x, _ = connect({**gone, "request": {"method": "POST", "path": "/2/tweets"}, "status": 201})
    with pytest.raises(PlatformError) as caught:
        x.reply(Remote(id="1445880548472328192"), "Sorry", key="delivery-2")
    assert not caught.value.permanent
    assert "Could not find tweet with id: [1445880548472328192]." in str(caught.value)


# The correction strategy


def plan(**kwargs):
    x, _ = connect()
    defaults = {
        "old": "The appeal closes on 4 May.",
        "new": "The appeal closes on 14 May.",
        "reason": "Wrong date.",
        "at": AT,
        "zone": UTC,
    }
    return plan_correction(x, **{**defaults, **kwargs})


def test_a_correction_within_30_minutes_and_5_edits_is_an_edit():
    correction = plan(published_at=AT - timedelta(minutes=29), edits=4)
    assert (correction.how, correction.fits) == (EDIT, True)
    assert correction.text.startswith("The appeal closes on 14 May.\n\nCorrection (09:30): ")
    assert "edited in place on x:examplepolice" in correction.why


def test_a_correction_after_30_minutes_is_a_reply():
    correction = plan(published_at=AT - timedelta(minutes=31), edits=0)
    assert (correction.how, correction.fits) == (REPLY, True)
    assert correction.text.startswith("Correction (09:30): ")
    assert "X allows edits only for 30 minutes" in correction.why


def test_a_quote_names_the_post_it_quotes():
    x, platform = connect("quote_post")
    quoted = Remote(id="1445880548472328192")
    made = x.quote(quoted, "Correction (09:30): “14”, not “4”.", key="delivery-3")
    assert platform.sent == [
        (
            "POST",
            "https://api.x.com/2/tweets",
            {"text": "Correction (09:30): “14”, not “4”.", "quote_tweet_id": quoted.id},
        )
    ]
    assert made.id == "1445880548472328194"


def test_a_correction_asked_as_a_quote_is_a_quote_in_words():
    correction = plan(published_at=AT - timedelta(minutes=5), as_quote=True)
    assert (correction.how, correction.fits) == (QUOTE, True)
    assert correction.text.startswith("Correction (09:30): ")
    assert "quoting the post" in correction.why


def test_a_correction_after_5_edits_is_a_reply():
    correction = plan(published_at=AT - timedelta(minutes=5), edits=5)
    assert correction.how == REPLY
    assert "X allows only 5 edits" in correction.why


def test_a_correction_that_cannot_fit_says_so_and_is_never_cut():
    old, new = "a " * 130 + "4 May.", "a " * 130 + "14 May."
    edit = plan(old=old, new=new, published_at=AT - timedelta(minutes=1))
    assert (edit.how, edit.fits) == (EDIT, False)
    assert edit.text.startswith(new)
    assert edit.text.endswith("Wrong date.")
    assert "weighted characters on x:examplepolice; shorten it" in edit.why
    reply = plan(old=old, new=new, reason="日本" * 80, published_at=AT - timedelta(hours=2))
    assert (reply.how, reply.fits) == (REPLY, False)
    assert reply.text.endswith("日本" * 80 + ".")
    assert "shorten the reason or the change" in reply.why


# What the public does about a Post, gathered for the inbox (and counted: X bills each read)


def test_engagement_reads_quotes_replies_and_reposts_and_counts_what_was_read():
    x, platform = connect("quote_tweets", "search_replies", "retweeted_by", user_id="2244994945")
    ours = Remote(
        id="1445880548472328192", extra={"edit_history_tweet_ids": ["1445880548472328192"]}
    )
    got = x.engagement([ours], None)
    kinds = [(s.kind, s.author, s.text) for s in got.seen]
    assert kinds == [
        (
            "quote",
            "cardiffresident",
            "Is this right? A red Ford Focus & two men? https://t.co/abc123",
        ),
        ("reply", "samjones", "@examplepolice Which junction is it?"),
        ("repost", "localnews", ""),
    ]  # the force's own quote left out
    assert got.seen[0].url == "https://x.com/i/web/status/1446211218000000001"
    assert got.seen[0].at == datetime(2026, 5, 14, 10, 2, 11, tzinfo=UTC)
    assert got.cursor == "1446211218000000010"  # where the next look at replies starts
    assert got.reads == 2 + 2 + 1 + 1 + 1  # Posts and users, as X bills them
    search = platform.requests[1].url.params
    assert search["query"] == "conversation_id:1445880548472328192"
    assert "since_id" not in search

    # The next look asks only for replies since the newest one read.
    x, platform = connect(
        "quote_tweets", "search_replies_none", "retweeted_by", user_id="2244994945"
    )
    again = x.engagement([ours], got.cursor)
    assert platform.requests[1].url.params["since_id"] == "1446211218000000010"
    assert again.cursor == "1446211218000000010"
