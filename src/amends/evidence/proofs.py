"""The proofs a pack carries: inclusion of many entries in one checkpoint, fetched in batches,
and the earlier checkpoints that first covered them with their consistency proofs.

The record's own :func:`amends.record.api.inclusion_proof` reads the database once per proof;
a pack of a whole account holds 100,000 of them, so here the subtrees that a batch of proofs
needs are read in one query and each proof is folded from them.
"""

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import connection

from amends.record import api as record
from amends.record import merkle
from amends.record.models import Checkpoint

BATCH = 200  # proofs per query: at most a few thousand subtree hashes


def inclusion_proofs(seqs: Sequence[int], size: int) -> Iterator[tuple[int, list[bytes]]]:
    """``(seq, proof)`` for each entry in ``seqs``, in the tree of ``size`` entries, in order.

    Each proof hash is a perfect subtree, read as stored, or one of the few subtrees along the
    tree's right edge, folded once and kept for every later proof.
    """
    edges: dict[tuple[int, int], bytes] = {}
    for start in range(0, len(seqs), BATCH):
        batch = seqs[start : start + BATCH]
        plans: list[list[tuple[bool, tuple[int, int]]]] = []
        needed: set[merkle.Node] = set()
        new_edges = set()
        for seq in batch:
            plan = []
            for a, b in merkle.inclusion_ranges(seq, size):
                n = b - a
                if n & (n - 1) == 0 and a & (n - 1) == 0:  # perfect: one stored node
                    node = (n.bit_length() - 1, a // n)
                    needed.add(node)
                    plan.append((False, node))
                else:
                    if (a, b) not in edges:
                        new_edges.add((a, b))
                        needed.update(merkle.range_nodes(a, b))
                    plan.append((True, (a, b)))
            plans.append(plan)
        with connection.cursor() as cursor:
            hashes = record.fetch_nodes(cursor, needed)
        for a, b in new_edges:
            edges[(a, b)] = merkle.range_hash(a, b, hashes)
        for seq, plan in zip(batch, plans, strict=True):
            yield seq, [edges[key] if edge else hashes[key] for edge, key in plan]


@dataclass(frozen=True)
class Earlier:
    """A checkpoint signed before the anchor, and the proof that the anchor extends it."""

    size: int
    note: str
    hashes: list[bytes]


def earlier_checkpoints(seqs: Sequence[int], anchor: Checkpoint) -> list[Earlier]:
    """For each entry, the first checkpoint signed after it (if before the anchor): one per
    size, the earliest signed, each with its consistency proof to the anchor."""
    if not seqs:
        return []
    rows = (
        Checkpoint.objects.filter(id__lt=anchor.id, size__gt=min(seqs), size__lt=anchor.size)
        .order_by("id")
        .values_list("id", "size")
    )
    first: dict[int, int] = {}
    for id_, size in rows:
        first.setdefault(size, id_)
    sizes = sorted(first)
    wanted = set()
    for seq in seqs:
        at = bisect.bisect_right(sizes, seq)
        if at < len(sizes):
            wanted.add(sizes[at])
    chosen = Checkpoint.objects.filter(id__in=[first[s] for s in wanted])
    signed = {
        size: (note, bytes(root)) for size, note, root in chosen.values_list("size", "note", "root")
    }
    found = []
    for size in sorted(wanted):
        note, root = signed[size]
        proof = record.consistency_proof(size, anchor.size)
        if proof.old_root != root or proof.new_root != bytes(anchor.root):
            raise record.RecordCorrupt(
                f"checkpoint of size {size} does not match the stored tree; run amends verify"
            )
        found.append(Earlier(size, note, proof.hashes))
    return found
