"""The witness formats, pure: cosignature/v1 lines, the add-checkpoint request body, and the
Sigsum witness policy with its quorum (property-based where the rule is general)."""

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.evidence.verify import Policy, PolicyError, cosignatures
from amends.record.note import NoteError
from amends.witness.cosignature import (
    AddCheckpoint,
    BadRequest,
    Cosigner,
    CosignerKey,
    signed_message,
)

WITNESS = Cosigner.generate("witness.example/w1")
OTHER = Cosigner.generate("witness.example/w1")  # the same name, another key
TEXT = "news.police.example/amends\n42\n" + base64.b64encode(bytes(32)).decode() + "\n"
line_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), min_size=1
)
texts = st.lists(line_text, min_size=3, max_size=5).map(lambda ls: "\n".join(ls) + "\n")


@given(texts, st.integers(0, 2**63 - 1))
def test_a_cosignature_verifies_with_its_key_and_no_other(text, timestamp):
    line = WITNESS.cosign(text, timestamp)
    assert line.startswith("\u2014 witness.example/w1 ")
    assert line.endswith("\n")
    assert WITNESS.key.timestamp_of(line.rstrip("\n"), text) == timestamp
    assert OTHER.key.timestamp_of(line.rstrip("\n"), text) is None  # another key ID: ignored
    note = text + "\n" + line
    assert cosignatures(note, {WITNESS.name: WITNESS.key.public_key}) == {WITNESS.name: timestamp}


def test_the_signed_message_is_the_spec_s_three_parts():
    assert signed_message(TEXT, 1679315147) == b"cosignature/v1\ntime 1679315147\n" + TEXT.encode()


@pytest.mark.parametrize("at", [5, 20, 60, -3])
def test_a_changed_byte_of_a_cosignature_or_of_the_text_fails(at):
    line = WITNESS.cosign(TEXT, 1700000000).rstrip("\n")
    name_end = line.index(" ", 2) + 1
    raw = bytearray(base64.b64decode(line[name_end:]))
    raw[at] ^= 1
    bad = line[:name_end] + base64.b64encode(bytes(raw)).decode()
    with pytest.raises(NoteError):
        WITNESS.key.timestamp_of(bad, TEXT)
    with pytest.raises(ValueError, match="does not verify"):
        cosignatures(TEXT + "\n" + bad + "\n", {WITNESS.name: WITNESS.key.public_key})
    with pytest.raises(NoteError):
        WITNESS.key.timestamp_of(line, TEXT.replace("42", "43"))


def test_keys_round_trip_and_refuse_what_is_not_theirs():
    assert CosignerKey.parse(str(WITNESS.key)) == WITNESS.key
    assert Cosigner.parse(WITNESS.private_text()).key == WITNESS.key
    name, key_id, encoded = str(WITNESS.key).split("+", 2)
    for bad in (
        f"{name}+{key_id}",
        f"{name}+00000000+{encoded}",
        f"{name}+{key_id}+" + base64.b64encode(b"\x01" + bytes(32)).decode(),  # a log's key type
        f"other+{key_id}+{encoded}",
    ):
        with pytest.raises(NoteError):
            CosignerKey.parse(bad)


hashes = st.binary(min_size=32, max_size=32)


@given(st.integers(0, 2**63), st.lists(hashes, max_size=63), texts)
def test_the_request_body_round_trips(old, proof, note):
    request = AddCheckpoint(old, tuple(proof), note)
    assert AddCheckpoint.parse(request.body()) == request


@pytest.mark.parametrize(
    "body",
    [
        b"old 01\n\nx\n",
        b"old -1\n\nx\n",
        b"old 1\n",
        b"new 1\n\nx\n",
        b"old 1\nnot base64!\n\nx\n",
        b"old 1\n" + base64.b64encode(bytes(31)) + b"\n\nx\n",
        b"old 1\n" + (base64.b64encode(bytes(32)) + b"\n") * 64 + b"\nx\n",
        b"old \xff\n\nx\n",
    ],
)
def test_a_body_outside_the_protocol_is_refused(body):
    with pytest.raises(BadRequest):
        AddCheckpoint.parse(body)


KEY = "11" * 32


@given(st.integers(1, 6), st.data())
def test_a_k_of_n_group_acts_exactly_when_k_members_cosign(n, data):
    k = data.draw(st.integers(1, n))
    names = [f"w{i}" for i in range(n)]
    policy = Policy.parse(
        f"log {KEY}\n"
        + "".join(f"witness {name} {KEY}\n" for name in names)
        + f"group g {k} {' '.join(names)}\nquorum g\n"
    )
    signed = set(data.draw(st.lists(st.sampled_from(names), unique=True)))
    assert policy.satisfied_by(signed) == (len(signed) >= k)
    assert Policy.parse(policy.text()).satisfied_by(signed) == policy.satisfied_by(signed)


def test_nested_groups_any_all_and_none():
    policy = Policy.parse(
        f"""# two kinds of witness
log {KEY} https://news.police.example
witness x1 {KEY}
witness x2 {KEY}
witness y1 {KEY} https://y1.example/
group xs all x1 x2
group either any xs y1
quorum either
"""
    )
    assert policy.satisfied_by({"y1"})
    assert policy.satisfied_by({"x1", "x2"})
    assert not policy.satisfied_by({"x1"})
    assert not policy.satisfied_by({"stranger"})
    assert Policy.parse(f"log {KEY}\nquorum none\n").satisfied_by(set())


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (f"log {KEY}\n", "no quorum line"),
        (f"log {KEY}\nquorum w\n", "'w' is not defined above"),
        (f"witness w {KEY}\nwitness w {KEY}\nquorum w\n", "already taken"),
        (f"witness w {KEY}\ngroup g 2 w\nquorum g\n", "a number from 1 to 1"),
        (f"witness w {KEY}\nquorum w\nquorum w\n", "one quorum line"),
        ("log abc\nquorum none\n", "64 hexadecimal digits"),
        ("witness none 11\nquorum none\n", "line 1"),
        ("logs x\nquorum none\n", "expected log, witness, group or quorum"),
    ],
)
def test_a_policy_that_does_not_parse_names_its_line(text, says):
    with pytest.raises(PolicyError, match=says):
        Policy.parse(text)
