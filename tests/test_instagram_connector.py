"""Instagram against recorded responses, and the steps its API cannot take, done by hand.

No Instagram server can run locally. Each answer here is a recording beside the connector
(src/amends/connectors/instagram/recordings/), shaped as Meta's Instagram Graph API reference
documents it and naming the page it comes from; httpx.MockTransport serves them through the
seam. The API reads posts and comments and writes comments; it cannot edit a caption or delete
a post, so a correction and a removal wait for a person to do them in Instagram's app, and are
done when the post, read again, shows them done — or when a person confirms with a screenshot.
"""

import json
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.actions import (
    AddAccount,
    AdoptPost,
    ConfirmByHand,
    Correct,
    OpenIncident,
    RemoveNow,
)
from amends.connectors import guard, links
from amends.connectors.base import Remote
from amends.connectors.http import Seam
from amends.connectors.instagram import connector as instagram_connector
from amends.connectors.instagram.connector import Instagram
from amends.delivery import wording
from amends.delivery.models import Delivery
from amends.delivery.worker import Worker
from amends.desk.incidents import steps
from amends.errors import BadInput, Refused
from amends.record import api as record
from tests.support import recordings
from tests.support.cli import run

RECORDINGS = Path(instagram_connector.__file__).parent / "recordings"
PROFILE = "17841405822304914"
MEDIA = "17895695668004550"
LINK = "https://www.instagram.com/p/C7kLm3nOpQr/?igsh=MWZ4bGd5dGx1"
WRONG = (
    "Officers will be at Mill Lane on 4 May from 10am. Come and talk to us about the "
    "burglaries. #MillLane"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class Platform(recordings.Replay):
    folder = RECORDINGS


def connect(*answers) -> tuple[Instagram, Platform]:
    platform = Platform(*answers)
    seam = Seam("instagram", transport=httpx.MockTransport(platform))
    return Instagram("examplepolice", {"profile": PROFILE}, {"token": "t"}, seam=seam), platform


def answer(name: str, **body) -> dict:
    """A recording with some of its body's fields changed (what a person did in the app)."""
    found = recordings.recording(RECORDINGS, name)
    return {**found, "body": {**found["body"], **body}}


def test_every_recording_names_its_source_in_metas_documentation():
    for path in RECORDINGS.glob("*.json"):
        source = json.loads(path.read_text())["source"]
        assert source.startswith("https://developers.facebook.com/docs/"), path.name


def test_check_learns_the_accounts_name_with_the_token_in_a_header_only():
    instagram, platform = connect("user")
    assert instagram.check() == {"username": "examplepolice"}
    request = platform.requests[0]
    assert request.headers["Authorization"] == "Bearer t"
    assert "t" not in request.url.params.values()
    assert request.url.params["fields"] == "id,username"


@pytest.mark.parametrize(
    "url",
    [
        LINK,
        "https://instagram.com/p/C7kLm3nOpQr",
        "https://www.instagram.com/examplepolice/p/C7kLm3nOpQr/",
        "https://www.instagram.com/reel/C7kLm3nOpQr/",
    ],
)
def test_a_link_is_found_among_the_accounts_posts_by_its_shortcode(url):
    instagram, platform = connect("media_list")
    found = instagram.locate(url)
    assert found.id == MEDIA
    assert found.text == WRONG
    assert found.url == "https://www.instagram.com/p/C7kLm3nOpQr/"
    assert found.extra == {"created_at": "2026-05-02T08:15:10+0000"}
    assert platform.requests[0].url.path == f"/v21.0/{PROFILE}/media"


def test_a_link_to_a_post_not_among_the_accounts_is_not_its_own():
    instagram, _ = connect("media_list")
    assert instagram.locate("https://www.instagram.com/p/Zz9Yy8Xx7Ww/") is None
    assert instagram.locate("https://www.instagram.com/examplepolice/") is None


def test_fetch_reads_the_caption_and_a_deleted_post_is_gone():
    instagram, _ = connect("media", "media_gone")
    assert instagram.fetch(Remote(MEDIA)).text == WRONG
    assert instagram.fetch(Remote(MEDIA)) is None


def test_a_reply_is_a_comment_and_comments_are_read_back():
    instagram, platform = connect("comment", "comments")
    made = instagram.reply(Remote(MEDIA, url="u"), "Sorry: it is 14 May.", key="k")
    assert made.id == "17870913679156914"
    assert platform.requests[0].method == "POST"
    assert b"message=Sorry" in platform.requests[0].content
    replies = instagram.replies(Remote(MEDIA, url="u"))
    assert [r.text for r in replies] == [
        "Sorry: it is 14 May, not 4 May.",
        "Is it the 4th or the 14th?",
    ]


def test_what_a_person_must_do_is_said_in_the_apps_own_words():
    instagram = Instagram("examplepolice", {"profile": PROFILE}, {})
    post = Remote(MEDIA, url="https://www.instagram.com/p/C7kLm3nOpQr/")
    said = instagram.by_hand("edit", "new caption", post)
    assert "Instagram app" in said
    assert "Edit" in said
    assert post.url in said
    assert "Delete" in instagram.by_hand("delete", "", post)


@given(st.text(max_size=300))
def test_any_text_is_an_instagram_link_or_not_without_failing(junk):
    links.instagram(junk)


# --- end to end: adopted, corrected and removed, by hand --------------------------------------


@pytest.fixture
def account(people, settings):
    settings.BY_HAND_CHECK_SECONDS = 0  # looked for again at once
    AddAccount(
        None,
        key="instagram:examplepolice",
        settings={"profile": PROFILE},
        secrets={"token": "t"},
        as_operator=True,
    ).run()


def replaying(monkeypatch, *answers) -> Platform:
    platform = Platform(*answers)
    monkeypatch.setattr(guard, "transport", lambda: httpx.MockTransport(platform))
    return platform


def work(times: int = 1) -> None:
    worker = Worker("test")
    for _ in range(times):
        worker.step()


def test_a_correction_waits_for_the_caption_to_be_edited_in_the_app(people, account, monkeypatch):
    platform = replaying(monkeypatch, "media_list")
    post = AdoptPost(people.alice, url=LINK).run()
    assert post.wording == WRONG
    assert post.copy.published_at.isoformat() == "2026-05-02T08:15:10+00:00"
    incident = OpenIncident(
        people.alice, post=post.pk, kind="fact", severity="minor", summary="Date", rationale="r"
    ).run()
    Correct(people.alice, post=post.pk, text=WRONG.replace("4 May", "14 May"), reason="Wrong").run()
    delivery = Delivery.objects.get(op="edit")
    caption = wording.shown(delivery)
    assert "14 May" in caption

    # Nobody has edited it yet: the platform still shows the old caption.
    platform.answers.append(recordings.recording(RECORDINGS, "media"))
    work()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.by_hand) == ("pending", True)
    assert "tap ⋯ then Edit" in delivery.error
    waiting = record.Leaf.parse(record.entries_about(post.subject)[-1].leaf)
    assert waiting.kind == "delivery.by_hand"
    amend = next(s for s in steps(incident) if s.step == "amend")
    assert amend.status == "to do"
    assert "by hand on Instagram" in amend.note

    # Looked for again: still not done, nothing more recorded.
    platform.answers.append(recordings.recording(RECORDINGS, "media"))
    size = record.size()
    work()
    assert record.size() == size

    # Someone edits the caption in the app, pasting what Amends gave them: seen, and done.
    platform.answers.append(answer("media", caption=caption))
    work()
    delivery.refresh_from_db()
    assert delivery.status == "done"
    sent = record.Leaf.parse(record.entries_about(post.subject)[-1].leaf)
    assert sent.kind == "delivery.sent"
    assert sent.data["by_hand"] is True
    assert next(s for s in steps(incident) if s.step == "amend").status == "done"


def test_a_removal_waits_for_the_post_to_be_deleted_and_a_notice_for_a_person(
    people, account, monkeypatch
):
    platform = replaying(monkeypatch, "media_list")
    post = AdoptPost(people.alice, url=LINK).run()
    RemoveNow(
        people.sam,
        post=post.pk,
        ground="identified_person",
        explanation="It identified a man who has not been charged.",
        rationale="Contempt risk.",
    ).run()
    platform.answers += [recordings.recording(RECORDINGS, "media")]
    work()
    removal = Delivery.objects.get(op="delete")
    assert removal.by_hand
    assert "tap ⋯ then Delete" in removal.error
    platform.answers += [recordings.recording(RECORDINGS, "media_gone")]
    work()
    removal.refresh_from_db()
    assert removal.status == "done"
    post.copy.refresh_from_db()
    assert post.copy.gone_at is not None

    # The notice can only be posted by a person, who confirms it with a screenshot.
    work()
    notice = Delivery.objects.get(op="notice")
    assert (notice.status, notice.by_hand) == ("pending", True)
    ConfirmByHand(people.alice, delivery=notice.pk, note="Posted as a story.", screenshot=PNG).run()
    notice.refresh_from_db()
    assert notice.status == "done"
    confirmed = record.entries_about(post.subject)[-1]
    assert record.Leaf.parse(confirmed.leaf).kind == "delivery.confirmed_by_hand"
    assert record.Leaf.parse(confirmed.leaf).actor == "alice"
    assert record.Leaf.parse(confirmed.leaf).data["screenshot"] is True


def test_only_a_waiting_step_is_confirmed_and_only_with_a_picture(people, account, monkeypatch):
    replaying(monkeypatch, "media_list")
    post = AdoptPost(people.alice, url=LINK).run()
    Correct(people.alice, post=post.pk, text=WRONG.replace("4 May", "14 May"), reason="x").run()
    delivery = Delivery.objects.get(op="edit")
    with pytest.raises(Refused, match="not waiting for a step done by hand"):
        ConfirmByHand(people.alice, delivery=delivery.pk).run()
    Delivery.objects.filter(pk=delivery.pk).update(by_hand=True)
    before = record.size()
    with pytest.raises(BadInput, match="screenshot: must be a PNG or JPEG"):
        ConfirmByHand(people.alice, delivery=delivery.pk, screenshot=b"%PDF-1.7").run()
    assert record.size() == before
    ConfirmByHand(people.alice, delivery=delivery.pk).run()
    post.copy.refresh_from_db()
    assert post.copy.edits == 1


def test_the_desk_shows_the_step_and_takes_the_confirmation(people, account, monkeypatch, client):
    platform = replaying(monkeypatch, "media_list")
    post = AdoptPost(people.alice, url=LINK).run()
    Correct(people.alice, post=post.pk, text=WRONG.replace("4 May", "14 May"), reason="x").run()
    platform.answers.append(recordings.recording(RECORDINGS, "media"))
    work()
    delivery = Delivery.objects.get(op="edit")
    client.force_login(people.alice)
    today = client.get("/desk/").content.decode()
    assert f"Do by hand on Instagram: edit post {post.pk}" in today  # what needs you now
    assert f"/desk/deliveries/{delivery.pk}/" in today
    page = client.get(f"/desk/deliveries/{delivery.pk}/").content.decode()
    assert "Do this by hand on Instagram" in page
    assert "14 May" in page
    from django.core.files.uploadedfile import SimpleUploadedFile

    shot = SimpleUploadedFile("done.png", PNG, content_type="image/png")
    done = client.post(f"/desk/deliveries/{delivery.pk}/done/", {"screenshot": shot, "note": ""})
    assert done.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == "done"
    assert "Do by hand on Instagram" not in client.get("/desk/").content.decode()


def test_the_command_line_lists_the_step_and_takes_the_confirmation(
    people, account, monkeypatch, tmp_path
):
    platform = replaying(monkeypatch, "media_list")
    post = AdoptPost(people.alice, url=LINK).run()
    Correct(people.alice, post=post.pk, text=WRONG.replace("4 May", "14 May"), reason="x").run()
    platform.answers.append(recordings.recording(RECORDINGS, "media"))
    work()
    delivery = Delivery.objects.get(op="edit")
    listed = json.loads(run("delivery", "list", "--status", "pending", "--json").output)
    (row,) = [d for d in listed["deliveries"] if d["delivery"] == delivery.pk]
    assert row["by_hand"] is True
    assert "Instagram app" in row["error"]
    shot = tmp_path / "done.png"
    shot.write_bytes(PNG)
    done = run("delivery", "done", delivery.pk, "--screenshot", shot, "--as", "alice")
    assert done.exit_code == 0, done.output
    assert f"delivery {delivery.pk} is done" in done.output
    again = run("delivery", "done", delivery.pk, "--as", "alice")
    assert again.exit_code == 1
    assert "not waiting for a step done by hand" in again.output
