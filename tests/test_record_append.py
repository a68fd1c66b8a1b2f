"""Appending to the record: leaves, commitments, the stored tree, and bad input."""

import json
from hashlib import sha256

import pytest
import rfc8785
from django.db import DatabaseError, connection, transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from amends.errors import BadInput
from amends.record import api as record
from amends.record import merkle
from amends.record.log import leaf_bytes
from amends.record.models import Content, Entry

pytestmark = pytest.mark.django_db


def leaf_of(appended):
    return json.loads(appended.leaf)


def test_an_append_is_a_canonical_leaf_with_a_salted_commitment_to_its_content():
    appended = record.append(
        "post.published",
        {"account": "house:news"},
        actor="alice",
        subject="post:1",
        content="Appeal closes on 4 May.",
    )
    leaf = leaf_of(appended)
    stored = Content.objects.get(entry_id=appended.seq)
    salt = bytes(stored.salt)
    assert len(salt) == 32
    assert leaf["content"] == "sha256:" + sha256(salt + b"Appeal closes on 4 May.").hexdigest()
    assert b"Appeal" not in appended.leaf
    assert appended.leaf == rfc8785.dumps(leaf)
    assert appended.leaf_hash == merkle.leaf_hash(appended.leaf)
    assert (leaf["seq"], leaf["kind"], leaf["actor"], leaf["subject"]) == (
        0,
        "post.published",
        "alice",
        "post:1",
    )
    assert record.read(appended.seq) == b"Appeal closes on 4 May."


def test_the_same_content_twice_gives_different_commitments():
    a = record.append("record.note", content="yes")
    b = record.append("record.note", content="yes")
    assert leaf_of(a)["content"] != leaf_of(b)["content"]


def test_each_entry_names_the_previous_entry_about_the_same_subject():
    first = record.append("post.published", subject="post:1", content="one")
    record.append("post.published", subject="post:2", content="two")
    third = record.append("post.revised", subject="post:1", content="one, corrected")
    assert leaf_of(first)["prev"] is None
    assert leaf_of(third)["prev"] == first.seq
    assert [e.seq for e in record.entries_about("post:1")] == [first.seq, third.seq]


def test_the_stored_tree_gives_the_same_root_as_the_leaves():
    appended = record.append_events(
        [record.event("record.note", {"n": i}, content=str(i)) for i in range(37)]
    )
    appended += [record.append("record.note", {"n": i}) for i in range(37, 45)]
    hashes = [a.leaf_hash for a in appended]
    for n in (0, 1, 2, 3, 16, 17, 37, 44, 45):
        assert record.tree_root(n) == merkle.root(hashes[:n])


def test_proofs_from_the_stored_tree_verify_for_every_entry():
    record.append_events([record.event("record.note", {"n": i}) for i in range(23)])
    for n in (1, 7, 8, 23):
        root = record.tree_root(n)
        for seq in range(n):
            proof = record.inclusion_proof(seq, n)
            assert proof.root == root
            assert merkle.verify_inclusion(seq, n, proof.leaf_hash, proof.hashes, root)
        for m in range(n + 1):
            c = record.consistency_proof(m, n)
            assert merkle.verify_consistency(m, n, c.old_root, c.new_root, c.hashes)


def test_a_proof_against_a_wrong_root_is_refused():
    record.append_events([record.event("record.note", {"n": i}) for i in range(4)])
    with pytest.raises(record.RecordCorrupt, match="does not prove entry 2"):
        record.inclusion_proof(2, 4, root=bytes(32))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "post.exploded"}, "kind"),
        ({"kind": "record.note", "data": {"when": object()}}, "data"),
        ({"kind": "record.note", "data": {"ratio": float("nan")}}, "data"),
        ({"kind": "record.note", "data": {1: "numeric key"}}, "data"),
        ({"kind": "record.note", "data": ["not", "an", "object"]}, "data"),
        ({"kind": "record.note", "content": 42}, "content"),
        ({"kind": "record.note", "content": "\ud800"}, "content"),
        ({"kind": "record.note", "actor": ""}, "actor"),
        ({"kind": "record.note", "subject": "x" * 201}, "subject"),
    ],
)
def test_bad_input_is_refused_with_its_field_named_and_nothing_written(kwargs, field):
    record.append("record.note")
    kind = kwargs.pop("kind")
    with pytest.raises(BadInput) as caught:
        record.append(kind, **kwargs)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert "\n" not in str(caught.value)
    assert record.size() == 1
    assert Entry.objects.count() == 1


def test_an_unknown_kind_lists_the_allowed_ones():
    with pytest.raises(BadInput, match=r"allowed: .*post\.published"):
        record.append("post.exploded")


def test_an_append_rolls_back_with_the_callers_transaction():
    record.append("record.note")

    def failing_change():
        with transaction.atomic():
            record.append("record.note", content="never")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        failing_change()
    assert record.size() == 1
    assert record.append("record.note").seq == 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE record_entry SET kind = 'record.note'",
        "DELETE FROM record_entry",
        "UPDATE record_node SET hash = hash",
        "DELETE FROM record_checkpoint",
        "DELETE FROM record_content",
        "UPDATE record_content SET body = body || 'x'",
        "UPDATE record_head SET size = 0",
    ],
)
def test_the_database_refuses_to_rewrite_the_record(statement):
    for i in range(3):
        record.append("record.note", content=f"c{i}")
    record.sign_checkpoint()

    def rewrite():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)

    with pytest.raises(DatabaseError) as caught:
        rewrite()
    assert "amends:" in str(caught.value)
    assert record.verify().ok


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=200)
@given(
    data=st.dictionaries(st.text(), json_values, max_size=4),
    actor=st.none() | st.text(min_size=1),
    subject=st.none() | st.text(min_size=1),
    kind=st.sampled_from(sorted(record.KINDS)),
    prev=st.none() | st.integers(0, 2**40),
    seq=st.integers(0, 2**40),
    commitment=st.none() | st.binary(min_size=32, max_size=32),
)
def test_leaf_bytes_are_exactly_rfc8785_of_the_leaf(
    data, actor, subject, kind, prev, seq, commitment
):
    leaf = leaf_bytes(
        seq=seq,
        kind=kind,
        time="2026-11-23T12:00:00.000000Z",
        actor=actor,
        subject=subject,
        prev=prev,
        data=rfc8785.dumps(data),
        commitment=commitment,
    )
    content = None if commitment is None else f"sha256:{commitment.hex()}"
    assert leaf == rfc8785.dumps(
        {
            "actor": actor,
            "content": content,
            "data": data,
            "kind": kind,
            "prev": prev,
            "seq": seq,
            "subject": subject,
            "time": "2026-11-23T12:00:00.000000Z",
            "v": 1,
        }
    )
