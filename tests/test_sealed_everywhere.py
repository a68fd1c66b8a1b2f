"""Once a deletion is approved, the post's wording is readable nowhere but through unsealing.

The outbox used to keep the exact text of every publish and correction, each copy the wording
it expected on the platform, and each attempt the start of the platform's answer (which echoes
the post): all readable by every staff role after the wording was sealed. Now deliveries name
revisions, copies keep fingerprints, attempts keep only a failure's words, and the wording the
watch found on the platform is sealed with the post. These tests walk a post on the Mastodon
fake from publication through a correction, an edit made on the platform itself and an approved
deletion, then search every page, answer, file and database row for any of its words.
"""

import io
import zipfile

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from amends.actions import (
    AddAccount,
    ApproveDeletion,
    Correct,
    ExportPack,
    Publish,
    RequestDeletion,
)
from amends.delivery.models import Attempt, Delivery
from amends.delivery.watch import check as watch
from amends.delivery.worker import Worker
from amends.record import api as record
from tests.support.api import Api, token_for

# Words found nowhere else, one per wording the post ever had.
ORIGINAL = "Witness Quillfeather saw the van on Marrowdale Road."
FIXED = "Witness Quillfeather saw the van on Thistlewick Lane."
OUTSIDE = "Edited in the app: Brackenholt."
MARKERS = ("Quillfeather", "Marrowdale", "Thistlewick", "Brackenholt")


def drain(worker: Worker | None = None) -> Worker:
    worker = worker or Worker("test")
    while worker.step():
        pass
    return worker


def leaks(text: str | bytes) -> list[str]:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return [marker for marker in MARKERS if marker in text]


@pytest.fixture
def deleted(people, mastodon):
    """A Mastodon post published, corrected, edited outside the desk, then deleted."""
    AddAccount(
        None,
        key="mastodon:testuser",
        settings={"server": mastodon.url},
        secrets={"token": mastodon.token},
        as_operator=True,
    ).run()
    post = Publish(people.alice, account="mastodon:testuser", text=ORIGINAL).run()
    worker = drain()
    Correct(people.alice, post=post.pk, text=FIXED, reason="Wrong street").run()
    drain(worker)
    post.copy.refresh_from_db()
    edited = mastodon.api(
        "PUT", f"/api/v1/statuses/{post.copy.remote_id}", data={"status": OUTSIDE}
    )
    assert edited.status_code == 200, edited.text
    (change,) = watch(worker)
    assert record.read(change.seq).decode().find("Brackenholt") >= 0  # recorded while live

    # While the post is live its wording is where the desk needs it, and the searches below
    # find it there: they would find it if it were left behind.
    assert ("Post", ["Quillfeather", "Thistlewick"]) in in_clear()
    assert leaks(Api(token_for(people.andy)).get(f"/api/posts/{post.pk}").content)

    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="prejudicial",
        explanation="A trial is under way.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    drain(worker)
    assert Delivery.objects.filter(post=post, op="delete", status="done").exists()
    return post


def in_clear() -> list[tuple[str, list[str]]]:
    """Every database value (text, JSON or bytes, in every table) holding a marker."""
    found = []
    kinds = (models.CharField, models.TextField, models.JSONField, models.BinaryField)
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, kinds)]
        for row in model.objects.values_list(*fields) if fields else []:
            for value in row:
                if value is None:
                    continue
                data = bytes(value) if isinstance(value, bytes | memoryview) else str(value)
                if leaks(data):
                    found.append((model.__name__, leaks(data)))
    return found


def test_no_database_row_holds_the_sealed_wording_in_clear(deleted):
    assert in_clear() == []


def test_no_api_answer_shows_the_sealed_wording(deleted, people):
    deliveries = list(Delivery.objects.filter(post=deleted).values_list("pk", flat=True))
    assert len(deliveries) >= 4  # publish, correction, deletion, notice
    for persona in ("andy", "sam", "fiona", "adam"):
        api = Api(token_for(getattr(people, persona)))
        paths = [
            "/api/deliveries",
            f"/api/deliveries?post={deleted.pk}",
            *(f"/api/deliveries/{pk}" for pk in deliveries),
            "/api/posts",
            f"/api/posts/{deleted.pk}",
            "/api/record/entries",
        ]
        for path in paths:
            response = api.get(path)
            assert response.status_code == 200, (persona, path, response.content)
            assert leaks(response.content) == [], (persona, path)


def test_the_api_says_the_text_of_a_sealed_delivery_is_not_shown(deleted, people):
    api = Api(token_for(people.andy))
    publish = Delivery.objects.get(post=deleted, op="publish")
    assert api.get(f"/api/deliveries/{publish.pk}").json()["text"] is None


def test_no_desk_page_shows_the_sealed_wording(deleted, people):
    deliveries = Delivery.objects.filter(post=deleted).values_list("pk", flat=True)
    for persona in ("andy", "sam", "fiona", "adam"):
        client = Client()
        client.force_login(getattr(people, persona))
        paths = [
            "/desk/",
            "/desk/posts/",
            f"/desk/posts/{deleted.pk}/",
            "/desk/deliveries/",
            *(f"/desk/deliveries/{pk}/" for pk in deliveries),
        ]
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (persona, path)
            assert leaks(response.content) == [], (persona, path)


def test_no_public_page_or_feed_shows_the_sealed_wording(deleted, settings):
    """The public site shows the deletion notice, never the post."""
    files = [p for p in settings.SITE_DIR.rglob("*") if p.is_file()]
    assert any(p.name == "feed.atom" for p in files)
    assert [str(p) for p in files if leaks(p.read_bytes())] == []


def test_an_export_without_the_sealed_wording_holds_none_of_it(deleted, people, tmp_path):
    out = tmp_path / "pack.zip"
    ExportPack(
        people.fiona,
        purpose="FOI request",
        reference="FOI/2026/9",
        output=out,
        post=deleted.pk,
        include_sealed=False,
    ).run()
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as pack:
        leaked = [name for name in pack.namelist() if leaks(pack.read(name))]
    assert leaked == []


def test_unsealing_still_gives_the_auditor_every_wording(deleted, people):
    from amends.actions import Unseal

    opened = Unseal(
        people.fiona, post=deleted.pk, purpose="Complaint review", reference="CO/2026/17"
    ).run()
    assert {text for _, text in opened.items()} >= {ORIGINAL, FIXED}


def test_attempts_keep_no_answer_from_a_successful_call(deleted):
    attempts = Attempt.objects.filter(delivery__post=deleted)
    assert attempts.count() >= 4
    assert set(attempts.values_list("response", flat=True)) == {""}
    assert all(a.request.startswith(("POST", "PUT", "DELETE", "GET")) for a in attempts)
