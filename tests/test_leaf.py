"""The record's one parsed shape of a leaf reads back exactly what was written."""

from datetime import UTC, datetime

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from amends.record.leaf import Leaf
from amends.record.log import leaf_bytes

pytestmark = pytest.mark.once  # the same whatever the database

names = st.none() | st.text(min_size=1, max_size=40)
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)


@given(
    seq=st.integers(0, 2**40),
    kind=st.sampled_from(["post.published", "content.accessed", "key.rotated"]),
    actor=names,
    subject=names,
    prev=st.none() | st.integers(0, 2**40),
    data=st.dictionaries(st.text(max_size=10), values, max_size=5),
    commitment=st.none() | st.binary(min_size=32, max_size=32),
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
)
def test_a_leaf_reads_back_what_was_written(
    seq, kind, actor, subject, prev, data, commitment, moment
):
    time = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    leaf = Leaf.parse(
        leaf_bytes(
            seq=seq,
            kind=kind,
            time=time,
            actor=actor,
            subject=subject,
            prev=prev,
            data=rfc8785.dumps(data),
            commitment=commitment,
        )
    )
    assert (leaf.seq, leaf.kind, leaf.actor, leaf.subject, leaf.prev) == (
        seq,
        kind,
        actor,
        subject,
        prev,
    )
    assert leaf.data == data
    assert leaf.time == time
    assert leaf.at == moment
    assert leaf.content == (None if commitment is None else f"sha256:{commitment.hex()}")
    assert leaf.stamp == moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_event_names_its_kind_in_words():
    leaf = Leaf(
        seq=3,
        kind="deletion.approved",
        time="2026-05-04T14:02:09.123456Z",
        actor="sam",
        subject="post:1",
        prev=2,
        content=None,
    )
    assert leaf.as_event() == {
        "seq": 3,
        "kind": "deletion.approved",
        "label": leaf.label,
        "at": "2026-05-04T14:02:09.123456Z",
        "by": "sam",
        "subject": "post:1",
        "why": None,
    }
    assert leaf.label
    assert leaf.label != "deletion.approved"
