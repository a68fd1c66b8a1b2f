"""The Mastodon connector against a fake Mastodon on loopback.

No real Mastodon server can be installed here (none of Mastodon, GoToSocial, Pleroma or snac is
in the registries this project uses), so these tests talk to PyPI ``mastodon-mock``, a stateful
fake of the Mastodon REST API (tests/support/servers/mastodon.py), through Mastodon.py and the
seam, as in production. Where the fake is laxer than Mastodon (it accepts a reply to a status
that does not exist; it renders ``~~text~~`` as ``<del>``, which Mastodon never does) the tests
say so and do not rely on it: a forced response (the fake's fault injection) stands in for what
Mastodon answers.
"""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from amends.connectors.base import PlatformError, Remote
from amends.connectors.mastodon.connector import Mastodon, plain_text
from amends.connectors.strategy import EDIT, REPLY, plan_correction

AT = datetime(2026, 5, 14, 9, 30, tzinfo=UTC)


def connect(server, token=None, **settings) -> Mastodon:
    return Mastodon(
        "testuser", {"server": server.url, **settings}, {"token": token or server.token}
    )


def statuses(server) -> list[dict]:
    me = server.api("GET", "/api/v1/accounts/verify_credentials").json()["id"]
    return server.api("GET", f"/api/v1/accounts/{me}/statuses").json()


def source(server, status_id: str) -> str:
    return server.api("GET", f"/api/v1/statuses/{status_id}/source").json()["text"]


# Publishing, replying, editing, deleting, reading back


def test_a_published_post_is_on_the_server_with_its_exact_wording(mastodon):
    text = "The appeal closes on 4 May. Details: https://police.example/appeals/4-may"
    remote = connect(mastodon).publish(text, key="delivery-1")
    assert remote.text == text
    assert remote.url.endswith(f"/@testuser/{remote.id}")
    assert source(mastodon, remote.id) == text


def test_every_exchange_goes_through_the_seam(mastodon):
    masto = connect(mastodon)
    remote = masto.publish("Through the seam", key="delivery-1")
    exchanges = masto.seam.take()
    assert [(e.method, e.url, e.status) for e in exchanges] == [
        ("POST", f"{mastodon.url}/api/v1/statuses", 200)
    ]
    assert remote.id
    # A successful answer echoes the post's wording: nothing of it is kept with the attempt.
    assert exchanges[0].response == ""


def test_publishing_twice_with_one_key_makes_one_status(mastodon):
    masto = connect(mastodon)
    first = masto.publish("Road closed on the A40", key="delivery-7")
    again = masto.publish("Road closed on the A40", key="delivery-7")
    other = masto.publish("Road closed on the A40", key="delivery-8")
    assert again.id == first.id
    assert other.id != first.id
    assert len(statuses(mastodon)) == 2


def test_an_edit_replaces_the_wording_and_the_history_keeps_the_original(mastodon):
    masto = connect(mastodon)
    remote = masto.publish("The appeal closes on 4 May.", key="delivery-1")
    corrected = "The appeal closes on 14 May.\n\nCorrection (09:30): “14 May”, not “4 May”."
    edited = masto.edit(remote, corrected, key="delivery-2")
    assert edited.id == remote.id
    assert masto.fetch(remote).text == corrected
    history = mastodon.api("GET", f"/api/v1/statuses/{remote.id}/history").json()
    assert [plain_text(version["content"]) for version in history] == [
        "The appeal closes on 4 May.",
        "The appeal closes on 14 May.\n\nCorrection (09:30): “14 May”, not “4 May”.",
    ]


def test_a_reply_is_in_the_thread_and_is_listed_as_a_reply(mastodon):
    masto = connect(mastodon)
    parent = masto.publish("The appeal closes on 4 May.", key="delivery-1")
    reply = masto.reply(parent, "Sorry: it closes on 14 May.", key="delivery-2")
    status = mastodon.api("GET", f"/api/v1/statuses/{reply.id}").json()
    assert status["in_reply_to_id"] == parent.id
    assert [(r.id, r.text) for r in masto.replies(parent)] == [
        (reply.id, "Sorry: it closes on 14 May.")
    ]


def test_a_deleted_post_is_gone_and_deleting_it_again_is_not_an_error(mastodon):
    masto = connect(mastodon)
    remote = masto.publish("Wrong photo", key="delivery-1")
    masto.delete(remote)
    assert masto.fetch(remote) is None
    masto.delete(remote)
    assert statuses(mastodon) == []


def test_fetching_a_status_that_never_existed_answers_none(mastodon):
    assert connect(mastodon).fetch(Remote(id="109999999999999999")) is None


def test_fetch_reads_the_source_text_not_the_rendered_html(mastodon):
    text = "Tom & Jerry <b>not bold</b>\nline two @someone@elsewhere.example"
    masto = connect(mastodon)
    remote = masto.publish(text, key="delivery-1")
    assert masto.fetch(remote).text == text


# Reconciling after a crash


def test_find_returns_the_status_a_lost_delivery_made(mastodon):
    text = "Missing person found safe. Thank you @helper@elsewhere.example for sharing."
    made = connect(mastodon).publish(text, key="delivery-1")
    connect(mastodon).publish("Something else entirely", key="delivery-2")
    found = connect(mastodon).find("delivery-1", text)  # a new worker, nothing remembered
    assert (found.id, found.text) == (made.id, text)


def test_find_answers_none_when_the_delivery_never_reached_the_server(mastodon):
    masto = connect(mastodon)
    masto.publish("The appeal closes on 4 May.", key="delivery-1")
    assert masto.find("delivery-2", "The appeal closes on 14 May.") is None


def test_find_does_not_take_a_status_that_differs_only_in_a_mentions_domain(mastodon):
    masto = connect(mastodon)
    masto.publish("Thanks @sam@one.example", key="delivery-1")
    assert masto.find("delivery-2", "Thanks @sam@two.example") is None


def test_find_uses_the_account_id_learnt_by_check(mastodon):
    masto = connect(mastodon)
    masto = connect(mastodon, **masto.check())
    masto.publish("Found", key="delivery-1")
    masto.seam.take()
    assert masto.find("delivery-1", "Found").text == "Found"
    assert "verify_credentials" not in " ".join(e.url for e in masto.seam.take())


# The instance's limits


def test_check_learns_the_account_and_the_instances_limits(mastodon):
    me = mastodon.api("GET", "/api/v1/accounts/verify_credentials").json()["id"]
    assert connect(mastodon).check() == {"limit": 500, "url_length": 23, "account_id": me}


def test_check_reads_a_larger_limit_and_measure_then_uses_it(mastodon):
    instance = mastodon.api("GET", "/api/v2/instance").json()
    instance["configuration"]["statuses"]["max_characters"] = 5000
    instance["configuration"]["statuses"]["characters_reserved_per_url"] = 30
    mastodon.fault("GET", "/api/v2/instance/", 200, instance)
    learnt = connect(mastodon).check()
    assert (learnt["limit"], learnt["url_length"]) == (5000, 30)
    masto = connect(mastodon, **learnt)
    long = "x" * 4000 + " https://police.uk/" + "y" * 200
    assert masto.measure(long).counts == ((4000 + 1 + 30, 5000, "characters"),)
    assert masto.measure(long).fits
    assert not connect(mastodon).measure(long).fits


def test_a_server_before_4_0_is_read_from_the_first_instance_api(mastodon):
    instance = mastodon.api("GET", "/api/v1/instance").json()
    instance["configuration"]["statuses"]["max_characters"] = 1000
    mastodon.fault("GET", "/api/v2/instance/", 404, {"error": "Record not found"})
    mastodon.fault("GET", "/api/v1/instance/", 200, instance)
    assert connect(mastodon).check()["limit"] == 1000


def test_measure_counts_links_as_23_and_remote_mentions_by_their_local_part():
    masto = Mastodon("testuser", {"server": "https://mastodon.example"}, {"token": "t"})
    text = "@sam@police.uk see https://police.uk/" + "a" * 100
    assert masto.measure(text).counts == ((len("@sam see ") + 23, 500, "characters"),)
    assert str(masto.measure(text)) == "32 of 500 characters"


# Errors: which are permanent


def test_a_bad_token_is_a_permanent_error(mastodon):
    masto = connect(mastodon, token="revoked")
    with pytest.raises(PlatformError) as check:
        masto.check()
    with pytest.raises(PlatformError) as publish:
        masto.publish("Hello", key="delivery-1")
    for error in (check.value, publish.value):
        assert (error.permanent, error.status) == (True, 401)
        assert str(error).startswith("mastodon: 401 ")
    assert "revoked" not in str(check.value)


def test_a_post_too_long_is_refused_permanently_in_mastodons_words(mastodon):
    with pytest.raises(PlatformError) as caught:
        connect(mastodon).publish("x" * 501, key="delivery-1")
    assert (caught.value.permanent, caught.value.status) == (True, 422)
    assert str(caught.value) == (
        "mastodon: 422 Validation failed: Text is too long (maximum is 500 characters)"
    )


def test_editing_a_status_that_was_deleted_is_a_permanent_error(mastodon):
    masto = connect(mastodon)
    remote = masto.publish("Soon gone", key="delivery-1")
    masto.delete(remote)
    with pytest.raises(PlatformError) as caught:
        masto.edit(remote, "Corrected", key="delivery-2")
    assert (caught.value.permanent, caught.value.status) == (True, 404)


def test_replying_to_a_status_that_was_deleted_is_a_permanent_error(mastodon):
    # Mastodon answers 404 Record not found; the fake accepts such a reply, so its answer is
    # forced here.
    mastodon.fault("POST", "/api/v1/statuses", 404, {"error": "Record not found"})
    with pytest.raises(PlatformError) as caught:
        connect(mastodon).reply(Remote(id="1"), "Sorry", key="delivery-1")
    assert (caught.value.permanent, caught.value.status) == (True, 404)
    assert str(caught.value) == "mastodon: 404 Record not found"


def test_editing_another_accounts_status_is_a_permanent_error(mastodon):
    mastodon.fault("PUT", "/api/v1/statuses/1", 403, {"error": "This action is not allowed"})
    with pytest.raises(PlatformError) as caught:
        connect(mastodon).edit(Remote(id="1"), "Corrected", key="delivery-1")
    assert (caught.value.permanent, caught.value.status) == (True, 403)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (429, {"error": "Too many requests"}),
        (500, {"error": "We're sorry, but something went wrong on our end."}),
        (503, {"error": "Service temporarily unavailable"}),
    ],
)
def test_rate_limits_and_server_errors_are_transient(mastodon, status, body):
    mastodon.fault("POST", "/api/v1/statuses", status, body)
    started = datetime.now(UTC)
    with pytest.raises(PlatformError) as caught:
        connect(mastodon).publish("Hello", key="delivery-1")
    assert (caught.value.permanent, caught.value.status) == (False, status)
    assert datetime.now(UTC) - started < timedelta(seconds=5)  # never waits out a rate limit
    assert connect(mastodon).publish("Hello", key="delivery-1").text == "Hello"


def test_an_unknown_client_error_is_not_assumed_permanent(mastodon):
    mastodon.fault("POST", "/api/v1/statuses", 409, {"error": "Conflict"})
    with pytest.raises(PlatformError) as caught:
        connect(mastodon).publish("Hello", key="delivery-1")
    assert (caught.value.permanent, caught.value.status) == (False, 409)


def test_a_stopped_server_is_a_transient_error(mastodon):
    masto = connect(mastodon)
    remote = masto.publish("Before the outage", key="delivery-1")
    mastodon.stop()
    try:
        for call in (
            lambda: masto.publish("During the outage", key="delivery-2"),
            lambda: masto.fetch(remote),
            lambda: masto.find("delivery-2", "During the outage"),
        ):
            with pytest.raises(PlatformError) as caught:
                call()
            assert (caught.value.permanent, caught.value.status) == (False, None)
            assert str(caught.value).startswith(f"mastodon: cannot reach {mastodon.url}: ")
    finally:
        mastodon.start()


# The correction strategy


def test_a_correction_is_an_edit_in_place_with_a_plain_words_note():
    masto = Mastodon("news", {"server": "https://mastodon.example"}, {"token": "t"})
    plan = plan_correction(
        masto,
        old="The appeal closes on 4 May.",
        new="The appeal closes on 14 May.",
        reason="We gave the wrong date.",
        at=AT,
        zone=UTC,
        published_at=AT - timedelta(days=3),
        edits=12,
    )
    assert plan.how == EDIT
    assert plan.fits
    assert plan.text.startswith("The appeal closes on 14 May.\n\nCorrection (09:30): ")
    assert plan.text.endswith(" We gave the wrong date.")
    assert "<" not in plan.text


def test_a_correction_that_cannot_fit_says_so_and_is_never_cut():
    masto = Mastodon("news", {"server": "https://mastodon.example"}, {"token": "t"})
    old, new = "a " * 240 + "4 May.", "a " * 240 + "14 May."
    edit = plan_correction(masto, old=old, new=new, reason="Wrong date.", at=AT, zone=UTC)
    assert (edit.how, edit.fits) == (EDIT, False)
    assert edit.text.startswith(new)
    assert "shorten it, or send the correction as a reply instead" in edit.why
    reply = plan_correction(
        masto, old=old, new=new, reason="x" * 600, at=AT, zone=UTC, as_reply=True
    )
    assert (reply.how, reply.fits) == (REPLY, False)
    assert reply.text.endswith("x" * 600 + ".")
    assert "shorten the reason or the change" in reply.why


def test_the_instances_own_limit_decides_whether_a_correction_fits():
    big = Mastodon("news", {"server": "https://mastodon.example", "limit": 5000}, {"token": "t"})
    old, new = "a " * 240 + "4 May.", "a " * 240 + "14 May."
    assert plan_correction(big, old=old, new=new, reason="Wrong date.", at=AT, zone=UTC).fits


# What the public does about a post: replies, quotes and boosts, as gathered for the inbox


def test_engagement_reads_replies_quotes_and_boosts_by_others_not_our_own(mastodon):
    masto = connect(mastodon)
    ours = masto.publish("Road closed near the Guildhall.", key="delivery-1")
    masto.reply(ours, "Sorry: it is the Library.", key="delivery-2")  # the force's own answer
    resident = mastodon._mock("POST", "dev_user", {"username": "resident"}).json()
    other = {"Authorization": f"Bearer {resident['access_token']}"}

    def as_resident(path: str, **form) -> dict:
        return httpx.post(f"{mastodon.url}{path}", headers=other, data=form, timeout=10).json()

    replied = as_resident("/api/v1/statuses", status="Which road?", in_reply_to_id=ours.id)
    quoted = as_resident("/api/v1/statuses", status="Seen this?", quoted_status_id=ours.id)
    as_resident(f"/api/v1/statuses/{ours.id}/reblog")
    as_resident("/api/v1/statuses", status="Nothing to do with it.")

    got = masto.engagement([ours], None)
    by_kind = {seen.kind: seen for seen in got.seen}
    assert sorted(by_kind) == ["quote", "reply", "repost"]
    assert len(got.seen) == 3
    assert (by_kind["reply"].id, by_kind["reply"].text) == (replied["id"], "Which road?")
    assert by_kind["reply"].author == "resident"
    assert by_kind["reply"].post == ours.id
    assert by_kind["quote"].id == quoted["id"]
    assert by_kind["quote"].url == quoted["url"]
    assert by_kind["repost"].author == "resident"
    assert got.reads == 3
