"""Every public wording reads the force's own clock: on a summer afternoon in London, the desk's
preview, the public page, its JSON-LD, the feed and the text sent to the platform all say
14:05, never the 13:05 of UTC."""

import html
import json
import re
from datetime import UTC, datetime

import pytest
from django.test import Client

from amends.actions import ApproveDeletion, Correct, Publish, RequestDeletion
from amends.delivery.worker import Worker
from tests.support import testbed as platform

SUMMER = datetime(2026, 7, 1, 13, 5, 30, tzinfo=UTC)  # 14:05 in London (BST)
ORIGINAL = "The appeal closes on 4 May. Call 101."
FIXED = "The appeal closes on 14 May. Call 101."


@pytest.fixture
def summer(settings, monkeypatch):
    settings.TIME_ZONE = "Europe/London"
    monkeypatch.setattr("django.utils.timezone.now", lambda: SUMMER)
    return SUMMER


def public(client, path: str) -> str:
    response = client.get(path)
    return html.unescape(b"".join(response.streaming_content).decode())


def test_preview_page_feed_and_platform_text_agree_on_local_time(people, testbed, summer):
    house = Publish(people.alice, account="house:news", text=ORIGINAL).run()
    away = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    worker = Worker("test")
    while worker.step():
        pass

    desk = Client()
    desk.force_login(people.alice)
    preview = desk.post(
        f"/desk/posts/{away.pk}/correct/preview/", {"text": FIXED, "reason": "Wrong date"}
    ).content.decode()
    assert "Correction (14:05)" in html.unescape(preview)

    for post in (house, away):
        Correct(people.alice, post=post.pk, text=FIXED, reason="Wrong date").run()
    while worker.step():
        pass

    sent = platform.BOARD.calls[-1]
    assert sent[0] == "edit"
    assert "Correction (14:05)" in sent[2]

    page = public(Client(), f"/posts/{house.pk}/")
    assert "Correction (14:05)" in page
    (ld,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    (note,) = json.loads(ld)["correction"]
    assert note["text"].startswith("Correction (14:05)")
    machine_readable = page.replace("13:05:30Z", "").replace("13:05:30+00:00", "")
    assert "13:05" not in machine_readable  # only in the machine-readable times
    assert "1 July 2026 at 2:05pm BST" in page  # as people read it, the zone named
    assert "Correction (13:05)" not in public(Client(), "/feed.atom")


def test_a_deletion_notice_says_the_local_time(people, testbed, summer):
    post = Publish(people.alice, account="testbed:police", text=ORIGINAL).run()
    worker = Worker("test")
    while worker.step():
        pass
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="offensive",
        explanation="It hurt people.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    while worker.step():
        pass
    notice = platform.BOARD.calls[-1]
    assert notice[0] == "publish"
    assert notice[1].startswith("We removed one of our posts at 14:05 on 1 July 2026")
