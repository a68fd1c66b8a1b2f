"""Making an evidence pack: gather and record the export, then write and check the bag.

Two steps, so that the export is in the record before any file exists:

1. :func:`record_export`, in the caller's transaction with the log's head locked: read every
   entry about the pack's subjects and their content, open sealed content if the pack includes
   it (a ``content.accessed`` entry per post says so), and append ``export.created`` naming the
   purpose, the reference, the sealed entries opened and the hash of each subject's last entry
   (``heads.json``), so that a verifier can tell the pack is complete up to that entry.
2. :func:`write`, after the commit: sign a checkpoint covering the export (the pack's anchor),
   prove every entry in it, add the checkpoints that first covered the entries with their
   consistency proofs, the key and its history, the human report; write the zipped bag beside
   the output, run the pack's own verifier on it, and only then move it into place.
"""

import bisect
import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from amends.errors import BadInput
from amends.evidence import bag, proofs
from amends.evidence import verify as verifier
from amends.evidence.subjects import Subjects
from amends.record import api as record
from amends.record.models import Checkpoint, Content, Entry, Head

CHUNK = 500  # subjects or entries per query
CUSTODY_WITHOUT_SUBJECT = ("content.sealed", "content.accessed", "retention.destroyed")


@dataclass
class Gathered:
    """What :func:`record_export` read and recorded, for :func:`write`."""

    subjects: Subjects
    actor: str
    entries: dict[int, record.StoredEntry]  # by seq
    states: dict[int, str]  # seq -> plain, sealed (opened), withheld or destroyed
    bodies: dict[int, tuple[bytes, bytes]]  # seq -> (salt, exact bytes), for content included
    heads: bytes  # data/heads.json
    export: int  # the export.created entry
    opened: list[int] = field(default_factory=list)
    policy: str | None = None  # data/witness-policy.txt, named by the export entry
    authorities: list[str] = field(default_factory=list)  # time-stamping authorities asked


@dataclass(frozen=True)
class Exported:
    path: Path
    export: int
    subject: str
    entries: int
    checkpoint: int
    root: str
    bytes: int
    witnessed: bool = False  # the anchor met its witness policy's quorum
    timestamped: bool = False  # every time-stamping authority asked stamped the anchor


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _entries_about(subjects: list[str]) -> dict[int, record.StoredEntry]:
    found = {}
    for chunk in _chunks(subjects):
        rows = Entry.objects.filter(subject__in=chunk).values_list(
            "seq", "kind", "subject", "leaf", "leaf_hash"
        )
        for seq, kind, subject, leaf, h in rows:
            found[seq] = record.StoredEntry(seq, kind, subject, bytes(leaf), bytes(h))
    return found


def _custody_without_subject(seqs: set[int]) -> dict[int, record.StoredEntry]:
    """Sealings, accesses and destructions that span several subjects (so name none) but
    concern content in the pack: the pack needs them to show why content is sealed or gone."""
    if not seqs:
        return {}
    rows = Entry.objects.filter(
        subject__isnull=True, kind__in=CUSTODY_WITHOUT_SUBJECT, seq__gt=min(seqs)
    ).values_list("seq", "kind", "subject", "leaf", "leaf_hash")
    found = {}
    for seq, kind, subject, leaf, h in rows:
        named = json.loads(bytes(leaf))["data"].get("entries") or []
        if seqs.intersection(named):
            found[seq] = record.StoredEntry(seq, kind, subject, bytes(leaf), bytes(h))
    return found


def _contents(seqs: list[int]) -> dict[int, tuple[str, bytes, bytes | None, bytes | None]]:
    found = {}
    for chunk in _chunks(seqs):
        rows = Content.objects.filter(entry_id__in=chunk).values_list(
            "entry_id", "state", "commitment", "salt", "body"
        )
        for seq, state, commitment, salt, body in rows:
            found[seq] = (
                state,
                bytes(commitment),
                None if salt is None else bytes(salt),
                None if body is None else bytes(body),
            )
    return found


def _committed(entry: record.StoredEntry) -> bool:
    """Does the leaf commit to content? The leaf's own ``content`` key is the first one: only
    ``actor``, a string or null that cannot hold ``,"``, comes before it."""
    at = entry.leaf.find(b',"content":') + 11
    return entry.leaf[at : at + 4] != b"null"


def record_export(subjects: Subjects, *, actor: str) -> Gathered:
    """Gather the pack's entries and content and append ``export.created``; in the caller's
    transaction, which must commit before :func:`write` runs."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_export must run inside a transaction")
    Head.objects.select_for_update().get(pk=1)  # no entry may land while the pack is gathered
    names = subjects.record_subjects
    asked = set(names)
    entries = _entries_about(names)
    if not entries:
        raise BadInput(f"subject: nothing in the record is about {subjects.subject}")
    committed = {seq for seq, e in entries.items() if _committed(e)}
    entries.update(_custody_without_subject(committed))
    contents = _contents(sorted(committed))
    missing = committed - contents.keys()
    if missing:
        raise record.RecordCorrupt(f"entry {min(missing)}: its content is missing")

    states, bodies, opened = {}, {}, []
    for seq in sorted(committed):
        state, _, salt, body = contents[seq]
        if state == Content.State.PLAIN:
            states[seq], bodies[seq] = "plain", (salt, body)
        elif state == Content.State.DESTROYED:
            states[seq] = "destroyed"
        elif subjects.include_sealed:
            states[seq] = "sealed"
            opened.append(seq)
        else:
            states[seq] = "withheld"

    if opened:
        # The one door to sealed content: the record opens it and records the access, in
        # this transaction.
        texts, accesses = record.open_for_export(
            opened,
            actor=actor,
            purpose=subjects.purpose,
            reference=subjects.reference,
            export=subjects.subject,
        )
        for seq in opened:
            bodies[seq] = (contents[seq][2], texts[seq])
        for subject, added in accesses:
            entries[added.seq] = record.StoredEntry(
                added.seq, "content.accessed", subject, added.leaf, added.leaf_hash
            )

    heads: dict[str, int] = {}
    for seq, entry in entries.items():
        if entry.subject in asked:
            heads[entry.subject] = max(seq, heads.get(entry.subject, -1))
    heads_file = verifier.heads_bytes(heads)
    from amends.witness.asking import policy as witness_policy

    policy = witness_policy()
    policy_text = policy.text() if policy is not None else None
    data = {
        "format": verifier.FORMAT,
        "subject": subjects.subject,
        "purpose": subjects.purpose,
        "reference": subjects.reference,
        "sealed": opened,
        # Every entry of the pack but this one and the key rotations (verify.py checks it).
        "entries": len(entries),
        # Every key rotation before this entry: signed with the anchor's root, so a rotation
        # left out of the pack is caught (verify.py).
        "rotations": Entry.objects.filter(kind="key.rotated").count(),
        "heads": f"sha256:{hashlib.sha256(heads_file).hexdigest()}",
    }
    if policy_text is not None:
        # The witnesses and the quorum the pack's anchor must meet (verify.py checks both).
        digest = hashlib.sha256(policy_text.encode()).hexdigest()
        data["witness_policy"] = f"sha256:{digest}"
    authorities = list(settings.TSA_URLS)
    if authorities:
        # Each authority's timestamp of the anchor, chained to one of these roots.
        from amends.witness import timestamps

        data["timestamp_authorities"] = authorities
        data["timestamp_roots"] = [timestamps.fingerprint(c) for c in timestamps.roots()]
    added = record.append("export.created", data, actor=actor, subject=subjects.subject)
    entries[added.seq] = record.StoredEntry(
        added.seq, "export.created", subjects.subject, added.leaf, added.leaf_hash
    )
    return Gathered(
        subjects,
        actor,
        entries,
        states,
        bodies,
        heads_file,
        added.seq,
        opened,
        policy_text,
        authorities,
    )


def _render_report(gathered: Gathered, created: str, size: int) -> tuple[str, bytes]:
    """The human report (``amends.evidence.report``), as HTML text and PDF bytes, drawn from
    what the export gathered: its entries, and the wording it read or opened."""
    from amends.evidence.report import render

    at = datetime.strptime(created, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return render(
        gathered.subjects,
        produced_at=at,
        checkpoint_size=size,
        entries={seq: e.leaf for seq, e in gathered.entries.items()},
        contents={
            seq: (state, gathered.bodies[seq][1] if seq in gathered.bodies else None)
            for seq, state in gathered.states.items()
        },
    )


def _rotations(anchor: Checkpoint) -> dict[int, record.StoredEntry]:
    rows = Entry.objects.filter(kind="key.rotated", seq__lt=anchor.size).values_list(
        "seq", "kind", "subject", "leaf", "leaf_hash"
    )
    return {
        seq: record.StoredEntry(seq, kind, subject, bytes(leaf), bytes(h))
        for seq, kind, subject, leaf, h in rows
    }


def _index(gathered: Gathered, anchor: Checkpoint, earlier: list[proofs.Earlier]) -> dict:
    subjects = gathered.subjects
    export = gathered.entries[gathered.export].read()
    return {
        "format": verifier.FORMAT,
        "origin": settings.RECORD_ORIGIN,
        "subject": subjects.subject,
        "subjects": list(json.loads(gathered.heads)),
        "purpose": subjects.purpose,
        "reference": subjects.reference,
        "producer": gathered.actor,
        "created": export.time,
        "export": gathered.export,
        "checkpoint": anchor.size,
        "checkpoints": [e.size for e in earlier],
    }


def write(gathered: Gathered, output: Path, *, check: bool = True) -> Exported:
    """Write the pack to ``output`` (after the export is committed); ``gathered`` is used up.
    With ``check``, the pack's own verifier runs on it before it is moved into place."""
    anchor = record.sign_checkpoint()
    record.mark_published(anchor, "as an evidence pack's anchor")
    from amends.witness.asking import ask, cosigned_note

    # The witnesses are asked now, so that the pack carries their cosignatures; a witness
    # that does not answer leaves the pack short of its quorum, which verify.py says.
    asked = ask(anchor) if gathered.policy is not None else None
    anchor_note = cosigned_note(anchor) if asked is not None else anchor.note
    witnessed = asked is not None and verifier.Policy.parse(gathered.policy).satisfied_by(
        set(asked.cosigned)
    )
    stamps: dict[str, bytes] = {}
    if gathered.authorities:
        from amends.witness import timestamps

        # Stamped over the anchor exactly as the pack holds it, cosignatures included.
        kept = timestamps.stamp(anchor, anchor_note.encode()).kept
        stamps = {t.authority: bytes(t.response) for t in kept}
    entries = {**gathered.entries, **_rotations(anchor)}
    seqs = sorted(entries)
    earlier = proofs.earlier_checkpoints(seqs, anchor)
    sizes = [e.size for e in earlier] + [anchor.size]
    index = _index(gathered, anchor, earlier)
    html, pdf = _render_report(gathered, index["created"], anchor.size)

    output = Path(output)
    temporary = output.with_name(f".{output.name}.{secrets.token_hex(4)}.tmp")
    try:
        writer = bag.Writer(temporary, gathered, index)
        rows = []
        for seq, hashes in proofs.inclusion_proofs(seqs, anchor.size):
            entry = entries[seq]
            state = gathered.states.get(seq)
            rows.append(
                {
                    "seq": seq,
                    "kind": entry.kind,
                    "subject": entry.subject,
                    "content": state,
                    "checkpoint": sizes[bisect.bisect_right(sizes, seq)],
                }
            )
            writer.add(verifier.entry_path(seq), entry.leaf)
            proof = verifier.tlog_proof_text(seq, hashes, anchor_note)
            writer.add(verifier.proof_path(seq), proof.encode())
            if seq in gathered.bodies:
                salt, body = gathered.bodies[seq]
                writer.add(verifier.content_path(seq), body)
                writer.add(verifier.salt_path(seq), salt)
        for e in earlier:
            writer.add(verifier.checkpoint_path(e.size), e.note.encode())
            text = verifier.consistency_text(e.size, anchor.size, e.hashes)
            writer.add(verifier.consistency_path(e.size), text.encode())
        rotations = [
            (seq, leaf.data["from"], leaf.data["to"])
            for seq in seqs
            if entries[seq].kind == "key.rotated"
            for leaf in [entries[seq].read()]
        ]
        writer.add(verifier.KEY_HISTORY, verifier.key_history_text(rotations).encode())
        writer.add(verifier.KEY, f"{anchor.signer}\n".encode())
        writer.add(verifier.ANCHOR, anchor_note.encode())
        if gathered.policy is not None:
            writer.add(verifier.POLICY, gathered.policy.encode())
        if gathered.authorities:
            writer.add(verifier.TSA_ROOTS, timestamps.roots_pem())
            for n, url in enumerate(gathered.authorities):
                if url in stamps:
                    writer.add(verifier.timestamp_path(n), stamps[url])
        writer.add(verifier.HEADS, gathered.heads)
        writer.add(verifier.ENTRIES, verifier.entries_bytes(rows))
        writer.add(verifier.INDEX, verifier.index_bytes(index))
        writer.add("data/report.html", html.encode("utf-8"))
        writer.add("data/report.pdf", pdf)
        writer.finish()
        entries_written = len(rows)
        # The pack is on disk: let the check reuse the memory (whole accounts are large).
        del writer, rows, entries
        gathered.entries.clear()
        gathered.bodies.clear()
        if check:
            try:
                # Short of the witnesses' quorum is the witnesses' trouble, not the pack's.
                verifier.verify(str(temporary), anchor.signer, unwitnessed=True)
            except verifier.PackError as error:
                raise record.RecordCorrupt(
                    f"the pack does not verify ({error}); run amends verify"
                ) from None
        os.replace(temporary, output)
    finally:
        temporary.unlink(missing_ok=True)
    return Exported(
        path=output,
        export=gathered.export,
        subject=gathered.subjects.subject,
        entries=entries_written,
        checkpoint=anchor.size,
        root=bytes(anchor.root).hex(),
        bytes=output.stat().st_size,
        witnessed=witnessed,
        timestamped=bool(gathered.authorities) and len(stamps) == len(gathered.authorities),
    )
