"""The evidence pack's stand-alone checker (``evidence/verify.py``) against the same published
vectors as the record: RFC 6962/9162 tree heads and proofs, and Go's signed-note example. The
record builds what the checker checks, so both must agree with the standards, not only with each
other."""

import base64

import pytest

from amends.evidence import verify as checker
from tests.test_merkle import CONSISTENCY, INCLUSION, LEAVES, ROOTS
from tests.test_note import GO_NOTE, GO_TEXT, GO_VKEY, SPEC_NOTE, SPEC_VKEY

pytestmark = pytest.mark.once  # the same whatever the database

HASHES = [checker.leaf_hash(leaf) for leaf in LEAVES]


def test_the_checker_hashes_leaves_as_the_vectors_do():
    from amends.record import merkle

    assert [merkle.leaf_hash(leaf) for leaf in LEAVES] == HASHES


@pytest.mark.parametrize(("m", "n", "path"), INCLUSION)
def test_the_checker_follows_each_published_inclusion_path_to_its_root(m, n, path):
    proof = [bytes.fromhex(h) for h in path]
    assert checker.root_from_inclusion(m, n, HASHES[m], proof) == bytes.fromhex(ROOTS[n])
    other = checker.leaf_hash(b"not this leaf")
    assert checker.root_from_inclusion(m, n, other, proof) != bytes.fromhex(ROOTS[n])
    if proof:
        assert checker.root_from_inclusion(m, n, HASHES[m], proof[:-1]) != bytes.fromhex(ROOTS[n])


@pytest.mark.parametrize(("m", "n", "path"), CONSISTENCY)
def test_the_checker_accepts_each_published_consistency_path(m, n, path):
    proof = [bytes.fromhex(h) for h in path]
    old, new = bytes.fromhex(ROOTS[m]), bytes.fromhex(ROOTS[n])
    assert checker.consistent(m, n, old, new, proof)
    if m < n:
        assert not checker.consistent(m, n, new, old, proof)
        bent = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
        assert not checker.consistent(m, n, old, new, bent)


def _signature(note: str) -> bytes:
    line = note.rstrip("\n").rsplit("\n", 1)[1]
    return base64.b64decode(line.split(" ")[2])


@pytest.mark.parametrize(
    ("vkey", "note", "text"),
    [
        (GO_VKEY, GO_NOTE, GO_TEXT),
        (SPEC_VKEY, SPEC_NOTE, "This is an example message.\n"),
    ],
    ids=["go", "c2sp"],
)
def test_the_checker_reads_the_published_keys_and_their_signatures(vkey, note, text):
    key = checker.Key(vkey)
    raw = _signature(note)
    assert key.id == raw[:4]
    assert key.verifies(text.encode(), raw[4:])
    assert not key.verifies(text.replace("a", "A", 1).encode(), raw[4:])


def test_the_checker_refuses_a_key_whose_hash_does_not_match():
    with pytest.raises(ValueError, match="hash does not match"):
        checker.Key(GO_VKEY.replace("c74f20a3", "c74f20a4"))
