"""Commands about the record: verify, checkpoint, and ``amends record ...``."""

import click

from amends.cli import SEQ, SIZE, Failed, command


def _api():
    from amends.record import api

    return api


@click.command()
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes to verify a large log with (default: one per core).",
)
@command
def verify(workers: int | None):
    """Verify the whole record from stored data: every leaf, every content commitment, every
    checkpoint's root and signature, and the consistency between checkpoints.

    Exits 0 if all is well; otherwise exits 1 and names the first bad entry.

    Example: amends verify --json
    """
    behind = _api().rollback()
    if behind:
        raise Failed(behind, {"ok": False, "rollback": behind})
    result = _api().verify(workers=workers)
    if not result.ok:
        raise Failed(f"entry {result.seq}: {result.error}", result.as_json())
    raised = _api().raised()
    if raised:
        # The stored record is consistent with itself, yet a witness saw another history.
        raise Failed(raised[0], {**result.as_json(), "ok": False, "raised": raised})
    return result.as_json(), (
        f"ok: {result.size} entries, root {result.root}, "
        f"{result.checkpoints} checkpoints, {result.contents} contents "
        f"({result.sealed} sealed, {result.destroyed} destroyed)"
    )


@click.command()
@command
def checkpoint():
    """Sign a checkpoint of the log now and print it.

    Example: amends checkpoint --json
    """
    signed = _api().sign_checkpoint()
    payload = {"size": signed.size, "root": bytes(signed.root).hex(), "note": signed.note}
    return payload, signed.note.rstrip("\n")


@click.group()
def record():
    """Read the record and prove things about it."""


@record.command()
@click.option(
    "--from",
    "start",
    type=SEQ,
    default=0,
    show_default=True,
    help="First sequence number.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, 10_000),
    default=100,
    show_default=True,
    help="How many entries at most.",
)
@command
def entries(start: int, limit: int):
    """List entries with their exact leaf data (base64) and leaf hash.

    Example: amends record entries --from 0 --limit 10 --json
    """
    rows = _api().entries(start, limit)
    payload = {"entries": [e.as_json() for e in rows]}
    text = "\n".join(f"{e.seq}\t{e.kind}\t{e.leaf.decode('utf-8')}" for e in rows)
    return payload, text


@record.command()
@command
def pubkey():
    """Print the verifier key of the checkpoint signing key, in signed-note form
    (<name>+<hash>+<base64 key>).

    Example: amends record pubkey
    """

    key = _api().verifier_key()
    return {"key": key}, key


def _tree_size(size: int | None):
    """The requested size, or the latest checkpoint's size and signed root."""
    if size is not None:
        return size, None, None
    latest = _api().latest_checkpoint()
    if latest is None:
        raise Failed(
            "size: no checkpoint has been signed yet; run `amends checkpoint` or give --size"
        )
    return latest.size, bytes(latest.root), latest.note


@record.command()
@click.argument("seq", type=SEQ)
@click.option(
    "--size",
    type=SIZE,
    default=None,
    help="Tree size to prove against (default: the latest checkpoint).",
)
@command
def proof(seq: int, size: int | None):
    """Print an RFC 9162 inclusion proof of entry SEQ in the tree of size --size.

    Example: amends record proof 12 --json
    """
    n, root, note = _tree_size(size)
    p = _api().inclusion_proof(seq, n, root)
    payload = {
        "seq": p.seq,
        "size": p.size,
        "leaf_hash": p.leaf_hash.hex(),
        "root": p.root.hex(),
        "proof": [h.hex() for h in p.hashes],
    }
    if note is not None:
        payload["checkpoint"] = note
    text = "\n".join(
        [
            f"entry {p.seq} in tree of size {p.size}, root {p.root.hex()}",
            *(h.hex() for h in p.hashes),
        ]
    )
    return payload, text


@record.command()
@click.option("--from", "old", type=SEQ, required=True, help="The older tree size.")
@click.option(
    "--to",
    "new",
    type=SEQ,
    default=None,
    help="The newer tree size (default: the latest checkpoint).",
)
@command
def consistency(old: int, new: int | None):
    """Print an RFC 9162 consistency proof between two tree sizes.

    Example: amends record consistency --from 10 --to 20 --json
    """
    n, _, note = _tree_size(new)
    p = _api().proof_asked(old, n)
    payload = {
        "from": p.old_size,
        "to": p.new_size,
        "from_root": p.old_root.hex(),
        "to_root": p.new_root.hex(),
        "proof": [h.hex() for h in p.hashes],
    }
    if note is not None:
        payload["checkpoint"] = note
    text = "\n".join([f"{p.old_size} -> {p.new_size}", *(h.hex() for h in p.hashes)])
    return payload, text


@record.command("rotate-key")
@command
def rotate_key():
    """Replace the checkpoint signing key. The rotation is recorded, and the new key signs a
    checkpoint at once; publish the new verifier key.

    Example: amends record rotate-key --json
    """
    signed = _api().rotate_key()

    key = _api().verifier_key()
    return {"key": key, "size": signed.size}, f"new key: {key}"


COMMANDS = {"verify": verify, "checkpoint": checkpoint, "record": record}
