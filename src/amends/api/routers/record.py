"""The record, read-only: the latest signed checkpoint, entries, and proofs."""

from typing import Annotated

from ninja import Query, Router

from amends.api import schemas as s
from amends.api.auth import staff
from amends.api.errors import ERRORS, closed_query
from amends.desk.roles import roles_of
from amends.errors import NotFound
from amends.record import api as record

router = Router(tags=["record"])


def _tree_size(size: int | None) -> tuple[int, bytes | None, str | None]:
    """The requested size, or the latest checkpoint's size and signed root."""
    if size is not None:
        return size, None, None
    latest = record.latest_checkpoint()
    if latest is None:
        raise NotFound(
            "size: no checkpoint has been signed yet; run `amends checkpoint` or give --size",
            field="size",
        )
    return latest.size, bytes(latest.root), latest.note


@router.get(
    "/record/checkpoint",
    response={200: s.CheckpointOut, **ERRORS},
    summary="The latest signed checkpoint",
)
@closed_query
def checkpoint(request):
    """The latest signed checkpoint (C2SP tlog-checkpoint). Signing one is left to the server's
    operator (``amends checkpoint``) and to the automatic interval."""
    staff(request.auth, "read the record")
    latest = record.latest_checkpoint()
    if latest is None:
        raise NotFound(
            "checkpoint: no checkpoint has been signed yet; run `amends checkpoint`",
            field="checkpoint",
        )
    return {"size": latest.size, "root": bytes(latest.root).hex(), "note": latest.note}


@router.get("/record/entries", response={200: s.Entries, **ERRORS}, summary="Record entries")
@closed_query
def entries(
    request,
    # The default sits inside Query: with an alias, ninja loses a default given after "=".
    start: Annotated[s.Seq, Query(0, alias="from", description="First sequence number.")],
    limit: Annotated[int, Query(ge=1, le=10_000, description="How many entries at most.")] = 100,
):
    """Entries with their exact leaf data (base64) and leaf hash. For anyone but an auditor,
    the leaf of an access to sealed content or of an export is withheld (``leaf`` is null and
    ``withheld`` says why): it names the auditor's purpose and reference."""
    staff(request.auth, "read the record")
    auditor = "auditor" in roles_of(request.auth)
    rows = record.entries(start, limit)
    return {"entries": [e.as_json(auditor=auditor) for e in rows]}


@router.get(
    "/record/proof/{seq}", response={200: s.InclusionOut, **ERRORS}, summary="Inclusion proof"
)
@closed_query
def proof(
    request,
    seq: s.Seq,
    size: Annotated[
        s.Id | None, Query(description="Tree size; default: the latest checkpoint.")
    ] = None,
):
    """An RFC 9162 inclusion proof of entry ``seq`` in the tree of ``size`` entries."""
    staff(request.auth, "read the record")
    n, root, note = _tree_size(size)
    p = record.inclusion_proof(seq, n, root)
    return {
        "seq": p.seq,
        "size": p.size,
        "leaf_hash": p.leaf_hash.hex(),
        "root": p.root.hex(),
        "proof": [h.hex() for h in p.hashes],
        "checkpoint": note,
    }


@router.get(
    "/record/consistency",
    response={200: s.ConsistencyOut, **ERRORS},
    summary="Consistency proof",
    by_alias=True,
)
@closed_query
def consistency(
    request,
    old: Annotated[s.Seq, Query(alias="from", description="The older tree size.")],
    new: Annotated[s.Seq | None, Query(None, alias="to", description="The newer tree size.")],
):
    """An RFC 9162 consistency proof between two tree sizes (``to`` defaults to the latest
    checkpoint)."""
    staff(request.auth, "read the record")
    n, _, note = _tree_size(new)
    p = record.proof_asked(old, n)
    return {
        "from": p.old_size,
        "to": p.new_size,
        "from_root": p.old_root.hex(),
        "to_root": p.new_root.hex(),
        "proof": [h.hex() for h in p.hashes],
        "checkpoint": note,
    }
