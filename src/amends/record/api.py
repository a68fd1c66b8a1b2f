"""The record's API: everything later parts of Amends use to write, read and prove.

Appending::

    from amends.record import api as record

    with transaction.atomic():
        ...  # change state
        record.append("post.published", {"account": "house:news"}, actor="alice",
                      subject="post:12", content=text)

An append joins the caller's transaction: it is committed, or rolled back, with the change it
records. Bad input raises :class:`amends.errors.BadInput` before anything is written.
"""

from amends.record.checkpoints import (
    checkpoint_if_due,
    health,
    key_history,
    raised,
    rotate_key,
    sign_checkpoint,
    signed,
    verifier_key,
)
from amends.record.checkpoints import latest as latest_checkpoint
from amends.record.content import (
    active_holds,
    destroy,
    open_for_export,
    place_hold,
    read,
    read_many,
    release_hold,
    seal,
    unseal,
)
from amends.record.kinds import KINDS, label
from amends.record.leaf import Leaf
from amends.record.log import (
    Appended,
    ConsistencyProof,
    Event,
    InclusionProof,
    RecordCorrupt,
    StoredEntry,
    append,
    append_events,
    consistency_proof,
    entries,
    entries_about,
    event,
    fetch_nodes,
    inclusion_proof,
    latest_of_kind,
    proof_asked,
    size,
    tree_root,
    version,
)
from amends.record.published import mark as mark_published
from amends.record.published import rollback
from amends.record.verify import Result as VerifyResult
from amends.record.verify import verify

__all__ = [
    "KINDS",
    "Appended",
    "ConsistencyProof",
    "Event",
    "InclusionProof",
    "Leaf",
    "RecordCorrupt",
    "StoredEntry",
    "VerifyResult",
    "active_holds",
    "append",
    "append_events",
    "checkpoint_if_due",
    "consistency_proof",
    "destroy",
    "entries",
    "entries_about",
    "event",
    "fetch_nodes",
    "health",
    "inclusion_proof",
    "key_history",
    "label",
    "latest_checkpoint",
    "latest_of_kind",
    "mark_published",
    "open_for_export",
    "place_hold",
    "proof_asked",
    "raised",
    "read",
    "read_many",
    "release_hold",
    "rollback",
    "rotate_key",
    "seal",
    "sign_checkpoint",
    "signed",
    "size",
    "tree_root",
    "unseal",
    "verifier_key",
    "verify",
    "version",
]
