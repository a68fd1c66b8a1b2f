"""The desk's delivery pages: who may see and retry deliveries, and acknowledge changes made
outside the desk; what the Today page raises."""

import pytest
from django.test import Client

from amends.actions import Publish
from amends.connectors import PlatformError
from amends.delivery.models import Delivery, OutsideChange
from amends.delivery.watch import check as watch
from amends.delivery.worker import Worker
from amends.record import api as record

PERSONAS = ["alice", "sam", "fiona", "adam", "olly"]
XSS = '<script>alert("x")</script>'


def drain() -> Worker:
    worker = Worker("test")
    while worker.step():
        pass
    return worker


@pytest.fixture
def scene(people, testbed):
    """A delivered post later edited on the platform itself, and a post whose delivery failed
    for good with the platform's message."""
    live = Publish(people.alice, account="testbed:police", text="The appeal closes 4 May.").run()
    worker = drain()
    testbed.BOARD.posts[live.copy.remote_id]["text"] = f"Edited outside {XSS}"
    (change,) = watch(worker)
    failing = Publish(people.alice, account="testbed:police", text="Second post.").run()
    testbed.BOARD.fail_next.append(PlatformError(f"testbed: 401 {XSS}", permanent=True))
    drain()
    failed = Delivery.objects.get(post=failing)
    assert failed.status == "failed"
    return {"live": live.pk, "change": change.pk, "failed": failed.pk}


def endpoints(s):
    staff = {"alice", "sam", "fiona", "adam"}
    return [
        ("get", "/desk/deliveries/", staff),
        ("get", "/desk/deliveries/?status=failed", staff),
        ("get", f"/desk/deliveries/{s['failed']}/", staff),
        ("get", f"/desk/posts/{s['live']}/", staff),
        ("post", f"/desk/deliveries/{s['failed']}/retry/", {"sam", "adam"}),
        ("post", f"/desk/changes/{s['change']}/seen/", {"alice", "sam", "adam"}),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(scene, client):
    for method, url, _ in endpoints(scene):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/desk/sign-in/?next=")
    assert Delivery.objects.get(pk=scene["failed"]).status == "failed"


@pytest.mark.parametrize("name", PERSONAS)
def test_each_role_reaches_exactly_its_delivery_pages(scene, people, name):
    client = Client()
    client.force_login(getattr(people, name))
    for method, url, allowed in endpoints(scene):
        response = getattr(client, method)(url)
        if name not in allowed:
            assert response.status_code == 403, (name, url, response.status_code)
        else:
            assert response.status_code == (200 if method == "get" else 302), (name, url)
    retried = Delivery.objects.get(pk=scene["failed"]).status == "pending"
    seen = OutsideChange.objects.get(pk=scene["change"]).seen_at is not None
    assert retried == (name in {"sam", "adam"})
    assert seen == (name in {"alice", "sam", "adam"})


def test_today_raises_failed_deliveries_and_outside_changes_escaped(scene, people):
    client = Client()
    client.force_login(people.alice)
    page = client.get("/desk/").content.decode()
    assert "1</strong> failed" in page
    assert f"/desk/deliveries/{scene['failed']}/" in page
    assert "Edited on the platform, not through Amends" in page
    assert XSS not in page
    assert "&lt;script&gt;" in page

    client.post(f"/desk/changes/{scene['change']}/seen/")
    assert "Edited on the platform" not in client.get("/desk/").content.decode()


def test_a_delivery_page_shows_every_attempt_and_a_retry_for_supervisors(scene, people):
    client = Client()
    client.force_login(people.sam)
    page = client.get(f"/desk/deliveries/{scene['failed']}/").content.decode()
    assert "Send again" in page
    assert "testbed: 401 &lt;script&gt;" in page
    assert "<td>failed" in page
    client.force_login(people.alice)
    assert "Send again" not in client.get(f"/desk/deliveries/{scene['failed']}/").content.decode()

    client.force_login(people.sam)
    size = record.size()
    client.post(f"/desk/deliveries/{scene['failed']}/retry/")
    drain()
    assert Delivery.objects.get(pk=scene["failed"]).status == "done"
    assert record.size() == size + 2  # delivery.retried, then delivery.sent
    refused = client.post(f"/desk/deliveries/{scene['failed']}/retry/")
    assert refused.status_code == 409


def test_the_correction_composer_shows_how_the_correction_will_be_sent(scene, people):
    client = Client()
    client.force_login(people.alice)
    url = f"/desk/posts/{scene['live']}/correct/"
    data = {"text": "The appeal closes 14 May.", "reason": "Wrong date"}
    preview = client.post(url + "preview/", data).content.decode()
    assert "How it reaches testbed:police" in preview
    assert "Edited in place on testbed:police" in preview
    assert "of 200 characters" in preview
    as_reply = client.post(url + "preview/", {**data, "as_reply": "on"}).content.decode()
    assert "Sent as a reply in the post&#x27;s thread" in as_reply
    assert 'name="as_reply"' in client.get(url).content.decode()

    client.post(url, {**data, "as_reply": "on"})
    assert Delivery.objects.filter(post_id=scene["live"]).last().op == "thread"
