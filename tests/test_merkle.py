"""RFC 9162 tree hashing and proofs, against the published RFC 6962 test vectors."""

from hashlib import sha256

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.record import merkle

pytestmark = pytest.mark.once  # the same whatever the database

# The reference leaves and tree heads published with RFC 6962 implementations
# (transparency-dev/merkle testonly/constants.go).
LEAVES = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, path) from transparency-dev/merkle proof/verify_test.go.
INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (0, 1, []),
]
CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
HASHES = [merkle.leaf_hash(leaf) for leaf in LEAVES]


def stored_lookup(hashes):
    """A lookup over every perfect subtree of ``hashes``, as the database keeps them."""
    table = {(0, i): h for i, h in enumerate(hashes)}
    level = 0
    while True:
        pairs = [
            (p, table[(level, 2 * p)], table.get((level, 2 * p + 1)))
            for p in range(len(hashes) >> (level + 1))
        ]
        if not pairs:
            break
        for p, left, right in pairs:
            table[(level + 1, p)] = merkle.node_hash(left, right)
        level += 1
    return lambda nodes: {node: table[node] for node in nodes}


def test_empty_tree_is_the_hash_of_nothing():
    assert merkle.root([]).hex() == ROOTS[0] == sha256(b"").hexdigest()


@pytest.mark.parametrize("n", range(9))
def test_roots_match_the_published_vectors(n):
    assert merkle.root(HASHES[:n]).hex() == ROOTS[n]


@pytest.mark.parametrize(("m", "n", "path"), INCLUSION)
def test_inclusion_paths_match_the_published_vectors(m, n, path):
    proof = merkle.build_proof(merkle.inclusion_ranges(m, n), stored_lookup(HASHES[:n]))
    assert [h.hex() for h in proof] == path
    assert merkle.verify_inclusion(m, n, HASHES[m], proof, bytes.fromhex(ROOTS[n]))


@pytest.mark.parametrize(("m", "n", "path"), CONSISTENCY)
def test_consistency_paths_match_the_published_vectors(m, n, path):
    proof = merkle.build_proof(merkle.consistency_ranges(m, n), stored_lookup(HASHES[:n]))
    assert [h.hex() for h in proof] == path
    assert merkle.verify_consistency(m, n, bytes.fromhex(ROOTS[m]), bytes.fromhex(ROOTS[n]), proof)


def test_the_split_is_the_largest_power_of_two_below_n():
    assert [merkle.split(n) for n in (2, 3, 4, 5, 8, 9, 1000)] == [1, 2, 2, 4, 4, 8, 512]


def recursive_root(hashes):
    """RFC 9162's definition, written as the RFC writes it."""
    if not hashes:
        return sha256(b"").digest()
    if len(hashes) == 1:
        return hashes[0]
    k = merkle.split(len(hashes))
    return merkle.node_hash(recursive_root(hashes[:k]), recursive_root(hashes[k:]))


@given(st.lists(st.binary(max_size=8), max_size=70))
def test_streamed_root_equals_the_recursive_definition(leaves):
    hashes = [merkle.leaf_hash(leaf) for leaf in leaves]
    assert merkle.root(hashes) == recursive_root(hashes)
    assert merkle.range_hash(
        0, len(hashes), stored_lookup(hashes)(merkle.frontier(len(hashes)))
    ) == recursive_root(hashes)


@given(st.integers(1, 70).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n - 1))))
def test_every_inclusion_proof_verifies_and_a_changed_one_does_not(case):
    n, m = case
    hashes = [merkle.leaf_hash(bytes([i])) for i in range(n)]
    root = merkle.root(hashes)
    proof = merkle.build_proof(merkle.inclusion_ranges(m, n), stored_lookup(hashes))
    assert merkle.verify_inclusion(m, n, hashes[m], proof, root)
    assert not merkle.verify_inclusion(m, n, merkle.leaf_hash(b"other"), proof, root)
    if n > 1:
        assert not merkle.verify_inclusion((m + 1) % n, n, hashes[m], proof, root)
        assert not merkle.verify_inclusion(m, n, hashes[m], proof[:-1], root)
        bent = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
        assert not merkle.verify_inclusion(m, n, hashes[m], bent, root)
    assert not merkle.verify_inclusion(m, n, hashes[m], [*proof, root], root)


@given(st.integers(1, 70).flatmap(lambda n: st.tuples(st.integers(1, n), st.just(n))))
def test_every_consistency_proof_verifies_and_a_changed_one_does_not(case):
    m, n = case
    hashes = [merkle.leaf_hash(bytes([i])) for i in range(n)]
    old, new = merkle.root(hashes[:m]), merkle.root(hashes)
    proof = merkle.build_proof(merkle.consistency_ranges(m, n), stored_lookup(hashes))
    assert merkle.verify_consistency(m, n, old, new, proof)
    if m < n:
        assert not merkle.verify_consistency(m, n, new, old, proof)
        assert not merkle.verify_consistency(m, n, old, new, proof[:-1])
        bent = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
        assert not merkle.verify_consistency(m, n, old, new, bent)


def test_a_new_leaf_completes_one_subtree_per_trailing_one_bit():
    assert merkle.completed_by(0) == []
    assert merkle.completed_by(1) == [(0, 0)]
    assert merkle.completed_by(7) == [(0, 6), (1, 2), (2, 0)]
    assert merkle.frontier(7) == [(2, 0), (1, 2), (0, 6)]


def test_out_of_range_proofs_are_refused():
    with pytest.raises(ValueError, match="not in a tree"):
        merkle.inclusion_ranges(3, 3)
    with pytest.raises(ValueError, match="cannot precede"):
        merkle.consistency_ranges(4, 3)
