"""Full verification of the record from stored data alone.

Streams every entry once, in order, and checks: sequence numbers are contiguous from 0; each
leaf hash is recomputed from its leaf data and each leaf names its own position; each content
commitment is recomputed from its stored content (opening sealed content; destroyed content is
counted, its commitment still in its leaf); the tree root at every checkpoint's size equals the
root that checkpoint signs; every checkpoint's signature verifies with a trusted key; checkpoints
never shrink, so each is consistent with the next. The first failure is named, with its entry.

Trusted keys: the current signing key, and keys named by ``key.rotated`` entries that a checkpoint
signed by an already trusted key covers.
"""

import json
import multiprocessing
import os
from binascii import unhexlify
from dataclasses import dataclass, field
from hashlib import sha256

from django.db import connection

from amends.record import keys, log, merkle, sealing
from amends.record.log import SALT_SIZE
from amends.record.models import Checkpoint
from amends.record.note import CheckpointBody, NoteError, UntrustedNote, Verifier, open_note

BATCH = 20_000
# Below this many entries one process verifies faster than several.
PARALLEL_FROM = 200_000
MIN_CHUNK_BITS = 14
ROTATION = b',"kind":"key.rotated",'  # a cheap filter; the parsed leaf decides


@dataclass
class Result:
    ok: bool
    size: int
    root: str | None = None
    seq: int | None = None
    error: str | None = None
    checkpoint: int | None = None
    checkpoints: int = 0
    contents: int = 0
    sealed: int = 0
    destroyed: int = 0

    def as_json(self) -> dict:
        if self.ok:
            return {
                "ok": True,
                "size": self.size,
                "root": self.root,
                "checkpoints": self.checkpoints,
                "contents": self.contents,
                "sealed": self.sealed,
                "destroyed": self.destroyed,
            }
        out = {"ok": False, "seq": self.seq, "error": self.error}
        if self.checkpoint is not None:
            out["checkpoint"] = self.checkpoint
        return out


class _Failure(Exception):
    def __init__(self, seq: int | None, error: str, checkpoint: int | None = None):
        super().__init__(error)
        self.seq, self.error, self.checkpoint = seq, error, checkpoint


@dataclass
class _Checkpoint:
    id: int
    size: int
    root: bytes
    note: str


def verify(workers: int | None = None) -> Result:
    """Verify the whole record. Never raises for a bad record: the result says what failed.

    Large logs are checked in aligned ranges by ``workers`` processes (default: one per core);
    inside a transaction, or for small logs, in this process.
    """
    result = Result(ok=False, size=0)
    if workers is None:
        workers = os.cpu_count() or 1
    try:
        _verify(result, workers)
    except _Failure as failure:
        result.ok = False
        result.seq, result.error, result.checkpoint = failure.seq, failure.error, failure.checkpoint
        return result
    result.ok = True
    return result


def _load_checkpoints() -> list[_Checkpoint]:
    rows = Checkpoint.objects.order_by("id").values_list("id", "size", "root", "note")
    checkpoints = []
    previous = None
    for id_, size, root, note in rows:
        where = max(size - 1, 0)
        split = note.rfind("\n\n")
        try:
            body = CheckpointBody.parse(note[: split + 1] if split >= 0 else note)
        except NoteError as error:
            raise _Failure(where, f"checkpoint {id_} is malformed: {error}", id_) from None
        if body.size != size or body.root != bytes(root):
            raise _Failure(
                where, f"checkpoint {id_}: its note does not match its size and root", id_
            )
        if previous is not None and size < previous.size:
            raise _Failure(
                where,
                f"checkpoint {id_} (size {size}) is smaller than checkpoint {previous.id} "
                f"(size {previous.size}) before it",
                id_,
            )
        previous = _Checkpoint(id_, size, bytes(root), note)
        checkpoints.append(previous)
    return checkpoints


def _check_signatures(checkpoints: list[_Checkpoint], rotations: list[tuple[int, dict]]) -> None:
    """Walk trust from the current key back through rotations recorded under trusted checkpoints."""
    trusted = {str(keys.signing_store().signer().verifier)}
    verified: set[int] = set()
    changed = True
    while changed:
        changed = False
        verifiers = [Verifier.parse(v) for v in trusted]
        for cp in checkpoints:
            if cp.id in verified:
                continue
            try:
                open_note(cp.note, verifiers)
            except NoteError:
                continue
            verified.add(cp.id)
            changed = True
            for seq, data in rotations:
                if seq < cp.size:
                    for name in ("from", "to"):
                        if isinstance(data.get(name), str) and data[name] not in trusted:
                            try:
                                Verifier.parse(data[name])
                            except NoteError:
                                continue
                            trusted.add(data[name])
    for cp in checkpoints:
        if cp.id not in verified:
            try:
                open_note(cp.note, [Verifier.parse(v) for v in trusted])
            except UntrustedNote:
                reason = "is signed by a key the record does not trust"
            except NoteError as error:
                reason = f"does not verify: {error}"
            raise _Failure(max(cp.size - 1, 0), f"checkpoint {cp.id} {reason}", cp.id)


@dataclass
class _Scan:
    """What one pass over entries ``[start, end)`` found."""

    start: int
    end: int
    failure: tuple[int | None, str] | None = None
    stack: list[bytes] = field(default_factory=list)
    at: dict[int, list[bytes]] = field(default_factory=dict)  # size -> stack at that size
    contents: int = 0
    sealed: int = 0
    destroyed: int = 0
    rotations: list[tuple[int, dict]] = field(default_factory=list)


def _scan(start: int, end: int, sizes: list[int]) -> _Scan:
    """Check entries ``[start, end)`` and build their part of the tree (see module docstring).

    ``stack`` ends as the perfect subtrees of ``[start, end)``; ``at`` keeps a copy of it at
    each size in ``sizes`` (checkpoint sizes inside the range).
    """
    scan = _Scan(start, end)
    wanted = set(sizes)
    sha = sha256
    stack = scan.stack
    push, pop = stack.append, stack.pop
    expected = start
    plain = 0
    # Both backends return bytes for binary columns (sqlite3, psycopg 3), so the loop below
    # uses them as they come.
    with connection.chunked_cursor() as cursor:
        # Salt and body come joined (the salt is 32 bytes): one object per row instead of two.
        joined = "c.salt || c.body"
        if connection.vendor == "sqlite":
            joined = f"CAST({joined} AS BLOB)"
        cursor.execute(
            f"SELECT e.seq, e.leaf, c.state, {joined} "
            "FROM record_entry e LEFT JOIN record_content c ON c.seq = e.seq "
            "WHERE e.seq >= %s AND e.seq < %s ORDER BY e.seq",
            [start, end],
        )
        try:
            while rows := cursor.fetchmany(BATCH):
                for seq, leaf, state, salted in rows:
                    if seq != expected:
                        raise _Failure(expected, f"entry {expected} is missing")
                    h = sha(b"\x00" + leaf).digest()
                    if b',"seq":%d,"subject":' % seq not in leaf:
                        raise _Failure(seq, f"entry {seq}: leaf data belongs to another position")
                    at = leaf.find(b',"content":') + 11
                    if at == 10:
                        raise _Failure(seq, f"entry {seq}: leaf data is not in the record's format")
                    if leaf[at] == 0x6E:  # null: the leaf commits to no content
                        if state is not None:
                            raise _Failure(
                                seq, f"entry {seq}: content is stored for an entry without any"
                            )
                        # Rotations carry no content, so only these leaves need looking at.
                        if ROTATION in leaf:
                            parsed = json.loads(leaf)
                            if parsed["kind"] == "key.rotated":
                                scan.rotations.append((seq, parsed["data"]))
                    elif state == "plain":
                        if sha(salted).digest() != unhexlify(leaf[at + 8 : at + 72]):
                            raise _Failure(
                                seq, f"entry {seq}: content does not match its commitment"
                            )
                        plain += 1
                    else:
                        _check_other(scan, seq, state, salted, leaf[at + 8 : at + 72])
                    n = seq - start
                    while n & 1:
                        h = sha(b"\x01" + pop() + h).digest()
                        n >>= 1
                    push(h)
                    expected = seq + 1
                    if expected in wanted:
                        scan.at[expected] = list(stack)
            if expected < end:
                raise _Failure(expected, f"entry {expected} is missing")
        except _Failure as failure:
            scan.failure = (failure.seq, failure.error)
        except (ValueError, IndexError):  # a commitment that is not hex, a leaf cut short
            scan.failure = (seq, f"entry {seq}: leaf data is not in the record's format")
    scan.contents += plain
    return scan


def _check_other(scan: _Scan, seq: int, state: str | None, salted: bytes, committed: bytes):
    """Content that is not plain: missing, sealed (opened to check it) or destroyed."""
    if state is None:
        raise _Failure(seq, f"entry {seq}: its content is missing")
    scan.contents += 1
    if state == "destroyed":
        scan.destroyed += 1  # content and salt are gone; the leaf's commitment stands
        return
    if state != "sealed":
        raise _Failure(seq, f"entry {seq}: content in unknown state {state!r}")
    try:
        commitment = unhexlify(committed)
        opened = sealing.open_sealed(
            keys.sealing_store().key(), seq, commitment, salted[SALT_SIZE:]
        )
    except (sealing.SealError, ValueError) as error:
        raise _Failure(seq, f"entry {seq}: {error}") from None
    if sha256(salted[:SALT_SIZE] + opened).digest() != commitment:
        raise _Failure(seq, f"entry {seq}: content does not match its commitment")
    scan.sealed += 1


def _locate(start: int, end: int, otherwise: str, checkpoint: int | None = None) -> _Failure:
    """Name the first entry in ``[start, end)`` whose leaf no longer hashes to the leaf hash it
    was stored with; if all still match, the range as a whole (``otherwise``)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            "SELECT seq, leaf, leaf_hash FROM record_entry "
            "WHERE seq >= %s AND seq < %s ORDER BY seq",
            [start, end],
        )
        while rows := cursor.fetchmany(BATCH):
            for seq, leaf, stored in rows:
                if sha256(b"\x00" + leaf).digest() != stored:
                    return _Failure(seq, f"entry {seq}: leaf data does not match its leaf hash")
    return _Failure(start if checkpoint is None else max(end - 1, 0), otherwise, checkpoint)


def _chunks(n: int, workers: int) -> list[tuple[int, int]]:
    """Aligned power-of-two ranges covering ``[0, n)``, a few per worker."""
    if workers <= 1 or n < PARALLEL_FROM:
        return [(0, n)]
    size = 1 << max(MIN_CHUNK_BITS, (n // (workers * 4)).bit_length())
    return [(a, min(a + size, n)) for a in range(0, n, size)]


def _run(chunks, sizes, workers):
    plans = [(a, b, [s for s in sizes if a < s <= b]) for a, b in chunks]
    if len(chunks) == 1:
        return [_scan(*plans[0])]
    from django.db import connections

    # Each worker opens its own connection; none may inherit one across fork.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        return pool.starmap(_scan, plans, chunksize=1)


def _verify(result: Result, workers: int) -> None:
    head_size = log.size()
    checkpoints = _load_checkpoints()
    result.checkpoints = len(checkpoints)
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(seq) FROM record_entry")
        (last,) = cursor.fetchone()
    if last is not None and last >= head_size:
        raise _Failure(head_size, f"entry {last} lies beyond the log's head ({head_size})")
    for cp in checkpoints:
        if cp.size > head_size:
            raise _Failure(
                head_size,
                f"checkpoint {cp.id} covers {cp.size} entries; the log has {head_size}",
                cp.id,
            )

    sizes = sorted({cp.size for cp in checkpoints})
    chunks = _chunks(head_size, workers)
    parallel = len(chunks) > 1 and not connection.in_atomic_block
    scans = _run(chunks if parallel else [(0, head_size)], sizes, workers)

    failures = [scan.failure for scan in scans if scan.failure]
    first = min(failures) if failures else None

    # The tree: each scan's stack holds the perfect subtrees of its range; ranges are aligned
    # powers of two, so a stream over the full ranges' roots gives every larger subtree.
    roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT}
    prefix = merkle.TreeStream()
    for scan in scans:
        for s, stack in scan.at.items():
            roots[s] = merkle.fold(prefix.stack + stack)
        if scan.failure:
            break
        if scan is not scans[-1]:
            prefix.push(scan.stack[0])
        else:
            roots[head_size] = merkle.fold(prefix.stack + scan.stack)
    good = 0  # entries [0, good) are proven by a checkpoint whose root they match
    for cp in sorted(checkpoints, key=lambda cp: (cp.size, cp.id)):
        if first is not None and first[0] < cp.size:
            break
        if roots.get(cp.size) != cp.root:
            raise _locate(
                good,
                cp.size,
                f"checkpoint {cp.id} (size {cp.size}) does not match the entries: an entry "
                f"from {good} to {cp.size - 1} was changed, removed or reordered",
                cp.id,
            )
        good = cp.size
    if first is None and roots.get(head_size) != log.tree_root(head_size):
        # Entries no checkpoint covers yet are held to the tree stored as they were appended.
        raise _locate(
            good,
            head_size,
            f"entries from {good} on do not match the tree stored when they were appended",
        )
    if first is not None:
        raise _Failure(*first)

    rotations = [r for scan in scans for r in scan.rotations]
    _check_signatures(checkpoints, rotations)
    for scan in scans:
        result.contents += scan.contents
        result.sealed += scan.sealed
        result.destroyed += scan.destroyed
    result.size = head_size
    result.root = roots.get(head_size, merkle.EMPTY_ROOT).hex()
