"""RFC 9162 Merkle tree hashing, proofs and their verification. Pure functions, no storage.

Leaf hash ``SHA-256(0x00 || data)``, node hash ``SHA-256(0x01 || left || right)``, a tree of
``n`` leaves splits at the largest power of two smaller than ``n``, and the empty tree hashes to
``SHA-256("")`` (RFC 9162 section 2.1.1).

Stored trees keep a *perfect subtree* for every aligned power-of-two range of leaves: the node
``(level, position)`` covers leaves ``[position << level, (position + 1) << level)``. Every
subtree hash a proof needs is built from those nodes, so a proof reads O(log n) rows.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from hashlib import sha256

EMPTY_ROOT = sha256(b"").digest()
HASH_SIZE = 32

Range = tuple[int, int]
Node = tuple[int, int]  # (level, position)


def leaf_hash(data: bytes) -> bytes:
    return sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n`` > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """The tree head of a list of leaf hashes, by the RFC's recursive definition."""
    stream = TreeStream()
    for h in leaf_hashes:
        stream.push(h)
    return stream.root()


class TreeStream:
    """Builds a tree from leaf hashes pushed in order, keeping only O(log n) hashes.

    ``root()`` may be asked at any size along the way; verification streams a log of millions of
    entries through one of these.
    """

    __slots__ = ("size", "stack")

    def __init__(self) -> None:
        self.size = 0
        self.stack: list[bytes] = []

    def push(self, h: bytes) -> None:
        stack = self.stack
        n = self.size
        while n & 1:
            h = sha256(b"\x01" + stack.pop() + h).digest()
            n >>= 1
        stack.append(h)
        self.size += 1

    def root(self) -> bytes:
        return fold(self.stack)


# --- which perfect subtrees a range, a proof or a tree head needs ---------------------------


def is_perfect(a: int, b: int) -> bool:
    n = b - a
    return n > 0 and n & (n - 1) == 0 and a % n == 0


def perfect_node(a: int, b: int) -> Node:
    level = (b - a).bit_length() - 1
    return level, a >> level


def range_nodes(a: int, b: int) -> list[Node]:
    """The perfect subtrees whose hashes determine ``MTH(D[a:b])``, left to right.

    Ranges that proofs use are either perfect or run to the right edge of the tree; both are the
    concatenation of aligned power-of-two pieces, largest first. (Hot in proofs: no helpers.)
    """
    nodes = []
    while a < b:
        n = b - a
        if n & (n - 1) == 0 and a & (n - 1) == 0:  # perfect and aligned
            level = n.bit_length() - 1
            nodes.append((level, a >> level))
            break
        level = (n - 1).bit_length() - 1  # the split: the largest power of two below n
        nodes.append((level, a >> level))
        a += 1 << level
    return nodes


def fold(parts: Sequence[bytes]) -> bytes:
    """The hash of adjacent perfect subtrees, largest first, as the RFC's split nests them."""
    if not parts:
        return EMPTY_ROOT
    h = parts[-1]
    for left in reversed(parts[:-1]):
        h = sha256(b"\x01" + left + h).digest()
    return h


def range_hash(a: int, b: int, hashes: Mapping[Node, bytes]) -> bytes:
    """``MTH(D[a:b])`` from the perfect subtree hashes named by :func:`range_nodes`."""
    return fold([hashes[node] for node in range_nodes(a, b)])


def inclusion_ranges(m: int, n: int) -> list[Range]:
    """The ranges whose hashes make ``PATH(m, D[0:n])`` (RFC 9162 2.1.3.1), in proof order."""
    if not 0 <= m < n:
        raise ValueError(f"leaf {m} is not in a tree of size {n}")
    ranges: list[Range] = []
    lo, hi = 0, n
    while hi - lo > 1:
        k = split(hi - lo)
        if m < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo = lo + k
    ranges.reverse()
    return ranges


def consistency_ranges(m: int, n: int) -> list[Range]:
    """The ranges whose hashes make ``PROOF(m, D[0:n])`` (RFC 9162 2.1.4.1), in proof order."""
    if not 0 <= m <= n:
        raise ValueError(f"a tree of size {m} cannot precede one of size {n}")
    if m == 0 or m == n:
        return []
    ranges: list[Range] = []
    lo, hi, whole = 0, n, True
    while True:
        if m == hi:
            if not whole:
                ranges.append((lo, hi))
            break
        k = split(hi - lo)
        if m <= lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo, whole = lo + k, False
    ranges.reverse()
    return ranges


def nodes_for(ranges: Iterable[Range]) -> set[Node]:
    needed: set[Node] = set()
    for a, b in ranges:
        needed.update(range_nodes(a, b))
    return needed


def build_proof(ranges: Sequence[Range], lookup: Callable[[set[Node]], Mapping[Node, bytes]]):
    """Hashes for ``ranges``, fetching every perfect subtree they need in one ``lookup``."""
    hashes = lookup(nodes_for(ranges))
    return [range_hash(a, b, hashes) for a, b in ranges]


# --- verification (RFC 9162 2.1.3.2 and 2.1.4.2) --------------------------------------------


def root_from_inclusion(m: int, n: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to; raises ValueError if the proof has a wrong shape."""
    if not 0 <= m < n:
        raise ValueError(f"leaf {m} is not in a tree of size {n}")
    fn, sn = m, n - 1
    r = leaf
    for p in proof:
        if len(p) != HASH_SIZE:
            raise ValueError("proof hash of wrong length")
        if sn == 0:
            raise ValueError("proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("proof is shorter than the tree is deep")
    return r


def verify_inclusion(m: int, n: int, leaf: bytes, proof: Sequence[bytes], root_: bytes) -> bool:
    try:
        return root_from_inclusion(m, n, leaf, proof) == root_
    except ValueError:
        return False


def verify_consistency(
    m: int, n: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    if not 0 <= m <= n:
        return False
    if m == n:
        return not proof and old_root == new_root
    if m == 0:
        return not proof
    if not proof or any(len(p) != HASH_SIZE for p in proof):
        return False
    path = list(proof)
    if m & (m - 1) == 0:  # m is a power of two: the old root is the first node
        path.insert(0, old_root)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# --- the nodes a new leaf completes ---------------------------------------------------------


def completed_by(seq: int) -> list[Node]:
    """Left siblings needed when leaf ``seq`` is appended, bottom up: ``[(level, position)]``.

    Appending leaf ``seq`` completes one perfect subtree per trailing one bit of ``seq``; each is
    the hash of the left sibling named here and the subtree just completed below it.
    """
    siblings = []
    level, position = 0, seq
    while position & 1:
        siblings.append((level, position - 1))
        level += 1
        position >>= 1
    return siblings


@lru_cache(maxsize=4096)
def _frontier(n: int) -> tuple[Node, ...]:
    return tuple(range_nodes(0, n))


def frontier(n: int) -> list[Node]:
    """The perfect subtrees that make up a tree of size ``n``, left to right."""
    return list(_frontier(n))
