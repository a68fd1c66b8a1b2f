"""Appending to the log, reading it, and proving things about it.

Appends run in the caller's transaction. The sequence number comes from a compare-and-swap on
the head row, so concurrent writers (processes on PostgreSQL, or SQLite's single writer) never
fork the log or leave a gap: a transaction that rolls back takes its sequence numbers with it.
"""

import base64
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256
from typing import Any

import rfc8785
from django.db import connection, transaction

from amends.errors import AmendsError, BadInput
from amends.record import kinds, merkle
from amends.record.canonical import canonical
from amends.record.leaf import Leaf
from amends.record.models import node_key

LEAF_VERSION = 1
MAX_SUBJECT = 200
MAX_ACTOR = 150
SALT_SIZE = 32


class RecordCorrupt(AmendsError):
    """The stored log is missing something it must have. Run ``amends verify``."""


@dataclass(frozen=True)
class Event:
    """A validated event, ready to append. Build with :func:`event`."""

    kind: str
    data: bytes  # canonical JSON of the event's data
    actor: str | None
    subject: str | None
    content: bytes | None


@dataclass(frozen=True)
class Appended:
    seq: int
    leaf: bytes
    leaf_hash: bytes


@dataclass(frozen=True)
class StoredEntry:
    seq: int
    kind: str
    subject: str | None
    leaf: bytes
    leaf_hash: bytes

    def read(self) -> Leaf:
        """The leaf, parsed."""
        return Leaf.parse(self.leaf)

    def as_json(self, *, auditor: bool = True) -> dict:
        """The entry as the CLI and the API list it: the exact leaf bytes (base64) and the
        RFC 9162 leaf hash (hex), so anyone can check them against a proof.

        Unless ``auditor``, the leaf of an access to sealed content or of an export is withheld
        (it holds the auditor's purpose and reference, which only auditors see); its hash stays,
        so proofs still check."""
        if not auditor and self.kind in kinds.AUDITORS_ONLY:
            return {
                "seq": self.seq,
                "kind": self.kind,
                "leaf": None,
                "hash": self.leaf_hash.hex(),
                "withheld": "the purpose and reference are shown to auditors only",
            }
        return {
            "seq": self.seq,
            "kind": self.kind,
            "leaf": base64.b64encode(self.leaf).decode(),
            "hash": self.leaf_hash.hex(),
        }


def _text(value: object, field: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{field}: must be non-empty text or absent", field=field)
    if len(value) > limit:
        raise BadInput(f"{field}: must be at most {limit} characters", field=field)
    return value


def _content_bytes(content: object) -> bytes | None:
    if content is None:
        return None
    if isinstance(content, str):
        try:
            return content.encode("utf-8")
        except UnicodeEncodeError:
            raise BadInput("content: text must be valid Unicode", field="content") from None
    if isinstance(content, bytes | bytearray | memoryview):
        return bytes(content)
    raise BadInput(
        f"content: must be text (str) or bytes, not {type(content).__name__}", field="content"
    )


def event(
    kind: str,
    data: Mapping | None = None,
    *,
    actor: str | None = None,
    subject: str | None = None,
    content: str | bytes | None = None,
) -> Event:
    """Check an event and put its data in canonical form. Raises BadInput; writes nothing."""
    kinds.check(kind)
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise BadInput(f"data: must be a JSON object, not {type(data).__name__}", field="data")
    return Event(
        kind=kind,
        data=canonical(dict(data)),
        actor=_text(actor, "actor", MAX_ACTOR),
        subject=_text(subject, "subject", MAX_SUBJECT),
        content=_content_bytes(content),
    )


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _json(value: Any) -> bytes:
    return rfc8785.dumps(value)


def leaf_bytes(
    *,
    seq: int,
    kind: str,
    time: str,
    actor: str | None,
    subject: str | None,
    prev: int | None,
    data: bytes,
    commitment: bytes | None,
) -> bytes:
    """The canonical leaf. Keys are fixed and sorted, so JCS of the whole object is exactly this
    concatenation; every key is always present, ``content`` second (verification relies on it).
    """
    content = None if commitment is None else f"sha256:{commitment.hex()}"
    return b"".join(
        [
            b'{"actor":',
            _json(actor),
            b',"content":',
            _json(content),
            b',"data":',
            data,
            b',"kind":',
            _json(kind),
            b',"prev":',
            _json(prev),
            b',"seq":',
            str(seq).encode(),
            b',"subject":',
            _json(subject),
            b',"time":',
            _json(time),
            b',"v":',
            str(LEAF_VERSION).encode(),
            b"}",
        ]
    )


def commitment_of(salt: bytes, body: bytes) -> bytes:
    return sha256(salt + body).digest()


def _placeholders(n: int) -> str:
    return ",".join(["%s"] * n)


def _reserve(cursor, count: int) -> int:
    """Claim ``count`` sequence numbers by compare-and-swap on the head; returns the first."""
    while True:
        cursor.execute("SELECT size FROM record_head WHERE id = 1")
        row = cursor.fetchone()
        if row is None:
            raise RecordCorrupt("the record's head row is missing; run amends migrate")
        size = row[0]
        cursor.execute(
            "UPDATE record_head SET size = %s WHERE id = 1 AND size = %s", [size + count, size]
        )
        if cursor.rowcount == 1:
            return size


def _previous_by_subject(cursor, subjects: set[str]) -> dict[str, int]:
    if not subjects:
        return {}
    names = sorted(subjects)
    cursor.execute(
        "SELECT subject, MAX(seq) FROM record_entry "
        f"WHERE subject IN ({_placeholders(len(names))}) GROUP BY subject",
        names,
    )
    return dict(cursor.fetchall())


def _fetch(cursor, nodes: set[merkle.Node], *, with_size: bool = False):
    """Stored hashes of perfect subtrees (level 0: leaf hashes), and the head size if asked,
    in one round trip. Nodes not stored are simply absent from the result."""
    leaves = [position for level, position in nodes if level == 0]
    inner = {node_key(level, position): (level, position) for level, position in nodes if level}
    parts, params = [], []
    if leaves:
        parts.append(
            "SELECT 0, seq, leaf_hash FROM record_entry "
            f"WHERE seq IN ({_placeholders(len(leaves))})"
        )
        params += leaves
    if inner:
        parts.append(
            f"SELECT 1, key, hash FROM record_node WHERE key IN ({_placeholders(len(inner))})"
        )
        params += list(inner)
    if with_size:
        parts.append("SELECT 2, size, NULL FROM record_head WHERE id = 1")
    found: dict[merkle.Node, bytes] = {}
    head = None
    if parts:
        cursor.execute(" UNION ALL ".join(parts), params)
        for table, key, h in cursor.fetchall():
            if table == 0:
                found[(0, key)] = bytes(h)
            elif table == 1:
                found[inner[key]] = bytes(h)
            else:
                head = key
    return found, head


def _require(found: dict, nodes: set[merkle.Node]) -> dict[merkle.Node, bytes]:
    if len(found) != len(nodes):
        missing = sorted(nodes - found.keys())[0]
        raise RecordCorrupt(f"tree node {missing} is missing from the record; run amends verify")
    return found


def fetch_nodes(cursor, nodes: Iterable[merkle.Node]) -> dict[merkle.Node, bytes]:
    """Stored hashes of perfect subtrees; raises RecordCorrupt if any is missing."""
    nodes = set(nodes)
    return _require(_fetch(cursor, nodes)[0], nodes)


def append_events(events: Sequence[Event]) -> list[Appended]:
    """Append validated events in order, in the caller's transaction (or a new one)."""
    if not events:
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        first = _reserve(cursor, len(events))
        previous = _previous_by_subject(cursor, {e.subject for e in events if e.subject})
        end = first + len(events)
        outside = {
            sibling
            for seq in range(first, end)
            for sibling in merkle.completed_by(seq)
            if (sibling[1] + 1) << sibling[0] <= first
        }
        hashes = fetch_nodes(cursor, outside)

        time = _now()
        entry_rows, content_rows, node_rows, appended = [], [], [], []
        for seq, e in zip(range(first, end), events, strict=True):
            commitment = None
            if e.content is not None:
                salt = secrets.token_bytes(SALT_SIZE)
                commitment = commitment_of(salt, e.content)
                content_rows.append((seq, commitment, salt, e.content, "plain"))
            prev = previous.get(e.subject) if e.subject else None
            leaf = leaf_bytes(
                seq=seq,
                kind=e.kind,
                time=time,
                actor=e.actor,
                subject=e.subject,
                prev=prev,
                data=e.data,
                commitment=commitment,
            )
            h = merkle.leaf_hash(leaf)
            entry_rows.append((seq, e.kind, e.subject, leaf, h))
            appended.append(Appended(seq, leaf, h))
            if e.subject:
                previous[e.subject] = seq
            hashes[(0, seq)] = h
            for level, position in merkle.completed_by(seq):
                h = merkle.node_hash(hashes[(level, position)], h)
                hashes[(level + 1, (position + 1) >> 1)] = h
                node_rows.append((node_key(level + 1, (position + 1) >> 1), h))

        cursor.executemany(
            "INSERT INTO record_entry (seq, kind, subject, leaf, leaf_hash) "
            "VALUES (%s, %s, %s, %s, %s)",
            entry_rows,
        )
        if content_rows:
            cursor.executemany(
                "INSERT INTO record_content (seq, commitment, salt, body, state) "
                "VALUES (%s, %s, %s, %s, %s)",
                content_rows,
            )
        if node_rows:
            cursor.executemany("INSERT INTO record_node (key, hash) VALUES (%s, %s)", node_rows)
        # robust: a checkpoint that cannot be signed now must not fail a committed change.
        transaction.on_commit(_after_commit, robust=True)
    return appended


def append(
    kind: str,
    data: Mapping | None = None,
    *,
    actor: str | None = None,
    subject: str | None = None,
    content: str | bytes | None = None,
) -> Appended:
    """Append one event in the caller's transaction. Raises BadInput before writing anything."""
    return append_events([event(kind, data, actor=actor, subject=subject, content=content)])[0]


# What runs after a transaction that appended has committed. The record's app config installs
# the checkpoint (``checkpoints.checkpoint_if_due``): the log does not import what builds on it.
AFTER_COMMIT: list[Callable[[], object]] = []


def _after_commit() -> None:
    for hook in AFTER_COMMIT:
        hook()


# --- reading --------------------------------------------------------------------------------


def size() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT size FROM record_head WHERE id = 1")
        row = cursor.fetchone()
    if row is None:
        raise RecordCorrupt("the record's head row is missing; run amends migrate")
    return row[0]


def version() -> str:
    """A short string that changes whenever the record grows: its size and its newest entry's
    hash (so that a database restored to an earlier state and grown again cannot repeat one).
    Every change the desk shows is made by an action that appends to the record in the same
    transaction, so caches of what the desk shows are keyed on this."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, leaf_hash FROM record_entry ORDER BY seq DESC LIMIT 1")
        row = cursor.fetchone()
    return "0" if row is None else f"{row[0]}-{bytes(row[1])[:8].hex()}"


def _stored(rows) -> list[StoredEntry]:
    return [
        StoredEntry(seq, kind, subject, bytes(leaf), bytes(h))
        for seq, kind, subject, leaf, h in rows
    ]


def entries(start: int = 0, limit: int = 100) -> list[StoredEntry]:
    if start < 0:
        raise BadInput("from: must be 0 or more", field="from")
    if limit < 1:
        raise BadInput("limit: must be 1 or more", field="limit")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, kind, subject, leaf, leaf_hash FROM record_entry "
            "WHERE seq >= %s ORDER BY seq LIMIT %s",
            [start, limit],
        )
        return _stored(cursor.fetchall())


def latest_of_kind(kind: str, limit: int = 100) -> list[Leaf]:
    """The newest ``limit`` entries of one kind, newest first, read."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, kind, subject, leaf, leaf_hash FROM record_entry "
            "WHERE kind = %s ORDER BY seq DESC LIMIT %s",
            [kind, limit],
        )
        return [e.read() for e in _stored(cursor.fetchall())]


def entries_about(subject: str) -> list[StoredEntry]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT seq, kind, subject, leaf, leaf_hash FROM record_entry "
            "WHERE subject = %s ORDER BY seq",
            [subject],
        )
        return _stored(cursor.fetchall())


def tree_root(n: int) -> bytes:
    """The root of the first ``n`` entries, from the stored perfect subtrees."""
    with connection.cursor() as cursor:
        hashes = fetch_nodes(cursor, merkle.frontier(n))
    return merkle.range_hash(0, n, hashes)


# --- proofs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InclusionProof:
    seq: int
    size: int
    leaf_hash: bytes
    hashes: list[bytes]
    root: bytes


@dataclass(frozen=True)
class ConsistencyProof:
    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    hashes: list[bytes]


def _proof_nodes(needed: set[merkle.Node], n: int, field: str) -> dict[merkle.Node, bytes]:
    """Fetch ``needed`` and check that a tree of size ``n`` exists, in one round trip."""
    with connection.cursor() as cursor:
        found, current = _fetch(cursor, needed, with_size=True)
    if current is None:
        raise RecordCorrupt("the record's head row is missing; run amends migrate")
    if not 0 <= n <= current:
        raise BadInput(
            f"{field}: must be between 0 and the log size {current} (got {n})", field=field
        )
    return _require(found, needed)


def inclusion_proof(seq: int, n: int, root: bytes | None = None) -> InclusionProof:
    """Prove entry ``seq`` is in the tree of size ``n``; checked against ``root`` if given (a
    signed checkpoint's), else against the root computed from the stored tree."""
    in_tree = 0 <= seq < n
    plan = [merkle.range_nodes(a, b) for a, b in merkle.inclusion_ranges(seq, n)] if in_tree else []
    needed = {node for nodes in plan for node in nodes}
    if in_tree:
        needed.add((0, seq))
        if root is None:
            needed.update(merkle.frontier(n))
    hashes = _proof_nodes(needed, n, "size")
    if not in_tree:
        raise BadInput(f"seq: must be between 0 and {n - 1} for a tree of size {n}", field="seq")
    proof = [merkle.fold([hashes[node] for node in nodes]) for nodes in plan]
    if root is None:
        root = merkle.fold([hashes[node] for node in merkle.frontier(n)])
    leaf = hashes[(0, seq)]
    if not merkle.verify_inclusion(seq, n, leaf, proof, root):
        raise RecordCorrupt(f"the stored tree does not prove entry {seq}; run amends verify")
    return InclusionProof(seq, n, leaf, proof, root)


def proof_asked(old: int, new: int) -> ConsistencyProof:
    """A consistency proof someone asked for (the command line, the API): RFC 9162 defines one
    only for 0 < old < new, so the empty tree and a tree with itself are refused, rather than
    answered with an empty path a client might take for a proof."""
    if old == 0 or old == new:
        raise BadInput(
            f"from: RFC 9162 defines a consistency proof only for 0 < from < to (got from {old}, "
            f"to {new}); every tree is consistent with the empty tree and with itself, so there "
            "is no proof to give",
            field="from",
        )
    return consistency_proof(old, new)


def consistency_proof(old: int, new: int) -> ConsistencyProof:
    """Prove the tree of size ``old`` is a prefix of the tree of size ``new`` (for ``old`` 0
    or ``new``, the empty path: the evidence pack's own use)."""
    if not 0 <= old <= new:
        raise BadInput(f"from: must be between 0 and {new} (got {old})", field="from")
    plan = [merkle.range_nodes(a, b) for a, b in merkle.consistency_ranges(old, new)]
    old_nodes, new_nodes = merkle.frontier(old), merkle.frontier(new)
    needed = {node for nodes in plan for node in nodes}
    needed.update(old_nodes, new_nodes)
    hashes = _proof_nodes(needed, new, "to")
    proof = [merkle.fold([hashes[node] for node in nodes]) for nodes in plan]
    old_root = merkle.fold([hashes[node] for node in old_nodes])
    new_root = merkle.fold([hashes[node] for node in new_nodes])
    if not merkle.verify_consistency(old, new, old_root, new_root, proof):
        raise RecordCorrupt(f"the stored tree is not consistent from {old} to {new}")
    return ConsistencyProof(old, new, old_root, new_root, proof)
