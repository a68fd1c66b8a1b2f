"""Every signed checkpoint is on the public site the moment its transaction commits — signed
automatically, by `amends checkpoint`, or as an evidence pack's anchor — at its own address by
size and as the latest, with the key history that lets an old checkpoint be checked after the
signing key was rotated; and each is noted as published, for rollback detection."""

import json
from pathlib import Path

import pytest

from amends.actions import Publish
from amends.record import api as record
from amends.record.note import CheckpointBody, NoteError, Verifier, open_note


def site(settings, relative: str) -> str:
    return (Path(settings.SITE_DIR) / ".well-known/amends" / relative).read_text()


def sign(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return record.sign_checkpoint()


def test_each_checkpoint_is_published_at_once_at_its_size_and_as_the_latest(
    people, settings, django_capture_on_commit_callbacks
):
    Publish(people.alice, account="house:news", text="First.").run()
    first = sign(django_capture_on_commit_callbacks)
    assert site(settings, "checkpoint") == first.note
    assert site(settings, f"checkpoints/{first.size}") == first.note
    assert record.rollback() is None
    assert json.loads(Path(settings.PUBLISHED_FILE).read_text())["size"] == first.size

    Publish(people.alice, account="house:news", text="Second.").run()
    second = sign(django_capture_on_commit_callbacks)
    assert second.size > first.size
    assert site(settings, "checkpoint") == second.note
    # The first stays where it was: a pack anchored to it can be checked against the site.
    assert site(settings, f"checkpoints/{first.size}") == first.note
    assert (
        CheckpointBody.parse(
            open_note(site(settings, "checkpoint"), [Verifier.parse(record.verifier_key())]).text
        ).size
        == second.size
    )

    # A process that publishes the older one late never puts it back as the latest.
    from amends.site.render import publish_checkpoint

    publish_checkpoint(first)
    assert site(settings, "checkpoint") == second.note


def test_an_evidence_packs_anchor_is_on_the_site(
    people, settings, tmp_path, django_capture_on_commit_callbacks
):
    from amends.actions import ExportPack

    post = Publish(people.alice, account="house:news", text="Anchored.").run()
    with django_capture_on_commit_callbacks(execute=True):
        ExportPack(
            people.fiona,
            output=tmp_path / "pack.zip",
            post=post.pk,
            purpose="FOI",
            reference="FOI/9",
        ).run()
    anchor = record.latest_checkpoint()
    assert site(settings, f"checkpoints/{anchor.size}") == anchor.note
    assert site(settings, "checkpoint") == anchor.note


def test_after_a_rotation_the_key_history_checks_the_old_checkpoints(
    people, settings, django_capture_on_commit_callbacks
):
    Publish(people.alice, account="house:news", text="Before the rotation.").run()
    before = sign(django_capture_on_commit_callbacks)
    old_key = record.verifier_key()
    with django_capture_on_commit_callbacks(execute=True):
        after = record.rotate_key(actor="adam")
    new_key = record.verifier_key()
    assert new_key != old_key

    history = json.loads(site(settings, "keys.json"))["keys"]
    assert [k["key"] for k in history] == [old_key, new_key]
    assert history[0]["first_size"] <= before.size == history[0]["last_size"]
    assert history[1]["first_size"] == after.size
    # The old checkpoint, at its address, opens with the key the history gives for its size.
    old = site(settings, f"checkpoints/{before.size}")
    key = next(k["key"] for k in history if k["first_size"] <= before.size <= k["last_size"])
    assert open_note(old, [Verifier.parse(key)]).text.startswith(settings.RECORD_ORIGIN)
    with pytest.raises(NoteError):
        open_note(old, [Verifier.parse(new_key)])
    assert site(settings, "key").strip() == new_key


def test_the_site_serves_the_key_history_as_json(
    client, people, settings, django_capture_on_commit_callbacks
):
    Publish(people.alice, account="house:news", text="Served.").run()
    sign(django_capture_on_commit_callbacks)
    response = client.get("/.well-known/amends/keys.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = json.loads(b"".join(response.streaming_content))
    assert body["keys"][0]["key"] == record.verifier_key()


@pytest.mark.parametrize("size", ["٤٢", "²", "４２"])
def test_a_checkpoint_size_is_ascii_digits_only(size):
    root = "A" * 43 + "="
    with pytest.raises(NoteError, match="size is not a decimal number"):
        CheckpointBody.parse(f"example.org/log\n{size}\n{root}\n")
    assert CheckpointBody.parse(f"example.org/log\n42\n{root}\n").size == 42


@pytest.mark.parametrize(("old", "new"), [(0, 5), (5, 5)])
def test_a_consistency_proof_asked_for_where_rfc_9162_defines_none_is_refused(people, old, new):
    from amends.errors import BadInput

    for n in range(5):
        Publish(people.alice, account="house:news", text=f"Post {n}.").run()
    with pytest.raises(BadInput, match=r"^from: RFC 9162 defines a consistency proof only"):
        record.proof_asked(old, new)
    assert record.proof_asked(2, 5).old_size == 2
