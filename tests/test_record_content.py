"""Sealing, unsealing, destroying content, and holds."""

import json

import pytest
from django.db import transaction

from amends.errors import BadInput, NotFound, Refused
from amends.record import api as record
from amends.record import sealing
from amends.record.models import Content

pytestmark = pytest.mark.django_db

ORIGINAL = b"Officers arrested J. Smith, 34, of Elm Road."


@pytest.fixture
def post():
    first = record.append("post.published", subject="post:7", content=ORIGINAL)
    second = record.append("post.revised", subject="post:7", content=b"Officers made an arrest.")
    return [first.seq, second.seq]


def kinds():
    return [e.kind for e in record.entries(0, 1000)]


def test_sealed_content_is_encrypted_at_rest_and_verifies(post):
    record.seal(post, actor="sam", reason="deleted: prejudicial")
    stored = Content.objects.get(entry_id=post[0])
    assert stored.state == "sealed"
    assert ORIGINAL not in bytes(stored.body)
    with pytest.raises(Refused, match="sealed"):
        record.read(post[0])
    assert kinds()[-1] == "content.sealed"
    result = record.verify()
    assert result.ok, result.error
    assert result.sealed == 2


def test_unsealing_returns_the_exact_bytes_and_records_the_access_first(post):
    record.seal(post, actor="sam", reason="deleted")
    opened = record.unseal(post, actor="alex", purpose="complaint review", reference="CO/2026/17")
    assert opened[post[0]] == ORIGINAL
    access = json.loads(record.entries(0, 100)[-1].leaf)
    assert access["kind"] == "content.accessed"
    assert access["actor"] == "alex"
    assert access["data"] == {
        "entries": post,
        "purpose": "complaint review",
        "reference": "CO/2026/17",
    }


def test_the_access_stays_recorded_even_if_opening_then_fails(post, monkeypatch):
    record.seal(post, actor="sam", reason="deleted")

    def broken(*args):
        raise sealing.SealError("disk fault")

    monkeypatch.setattr(sealing, "open_sealed", broken)
    with pytest.raises(sealing.SealError):
        record.unseal(post, actor="alex", purpose="complaint", reference="CO/1")
    assert kinds()[-1] == "content.accessed"


def test_unsealing_inside_a_transaction_is_refused(post):
    record.seal(post, actor="sam", reason="deleted")
    with pytest.raises(RuntimeError), transaction.atomic():
        record.unseal(post, actor="alex", purpose="complaint", reference="CO/1")


@pytest.mark.parametrize(
    ("purpose", "reference", "field"), [("", "CO/1", "purpose"), ("review", "  ", "reference")]
)
def test_unsealing_needs_a_purpose_and_a_reference(post, purpose, reference, field):
    size = record.size()
    with pytest.raises(BadInput, match=f"^{field}: is required"):
        record.unseal(post, actor="alex", purpose=purpose, reference=reference)
    assert record.size() == size


def test_destroying_content_keeps_the_leaf_and_every_proof_valid(post):
    root = record.tree_root(2)
    record.destroy(post, actor="records", reason="retention period ended")
    stored = Content.objects.get(entry_id=post[0])
    assert (stored.state, stored.body, stored.salt) == ("destroyed", None, None)
    assert record.tree_root(2) == root
    assert record.inclusion_proof(0, 2).root == root
    with pytest.raises(Refused, match="destroyed"):
        record.unseal(post, actor="alex", purpose="foi", reference="FOI/1")
    result = record.verify()
    assert result.ok, result.error
    assert result.destroyed == 2
    assert kinds()[-1] == "retention.destroyed"


def test_a_hold_blocks_destruction_until_it_is_released(post):
    hold = record.place_hold("post:7", reference="FOI/2026/0042", actor="fiona")
    size = record.size()
    with pytest.raises(Refused, match=r"FOI/2026/0042.*may not be destroyed"):
        record.destroy(post, actor="records", reason="retention")
    assert record.size() == size
    assert Content.objects.get(entry_id=post[0]).state == "plain"
    record.release_hold(hold.pk, actor="fiona")
    assert record.active_holds("post:7") == []
    record.destroy(post, actor="records", reason="retention")
    assert [k for k in kinds() if k.startswith(("hold", "retention"))] == [
        "hold.placed",
        "hold.released",
        "retention.destroyed",
    ]


def test_a_hold_needs_a_known_subject_and_a_reference():
    with pytest.raises(NotFound, match="subject"):
        record.place_hold("post:404", reference="FOI/1", actor="fiona")
    record.append("post.published", subject="post:1", content="x")
    with pytest.raises(BadInput, match=r"^reference: is required"):
        record.place_hold("post:1", reference="", actor="fiona")


def test_releasing_twice_is_refused(post):
    hold = record.place_hold("post:7", reference="CASE/9", actor="fiona")
    record.release_hold(hold.pk, actor="fiona")
    with pytest.raises(Refused, match="already released"):
        record.release_hold(hold.pk, actor="fiona")


def test_sealed_content_moved_to_another_entry_does_not_open(post):
    record.seal(post, actor="sam", reason="deleted")
    body = bytes(Content.objects.get(entry_id=post[0]).body)
    from amends.record import keys

    key = keys.sealing_store().key()
    commitment = bytes(Content.objects.get(entry_id=post[1]).commitment)
    with pytest.raises(sealing.SealError, match="altered"):
        sealing.open_sealed(key, post[1], commitment, body)
