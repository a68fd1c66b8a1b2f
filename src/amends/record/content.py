"""Content custody: reading, sealing, unsealing and destroying content, and holds.

Content never sits in a leaf; the leaf commits to it. Sealing encrypts it in place; unsealing
records who looked and why *before* the text is returned; destroying it at the end of retention
keeps the leaf and every proof valid and is refused while a hold names its subject.
"""

from collections.abc import Iterable

from django.db import connection, transaction

from amends.errors import BadInput, NotFound, Refused
from amends.record import keys, log, sealing
from amends.record.models import Content, Entry, Hold

MAX_REFERENCE = 200


def _seqs(seqs: Iterable[int]) -> list[int]:
    unique = sorted(set(seqs))
    if not unique:
        raise BadInput("entries: name at least one entry", field="entries")
    if any(not isinstance(s, int) or s < 0 for s in unique):
        raise BadInput("entries: must be entry numbers (0 or more)", field="entries")
    return unique


def _rows(seqs: list[int], *, lock: bool) -> list[Content]:
    query = Content.objects.filter(entry_id__in=seqs).select_related("entry").order_by("entry_id")
    rows = list(query.select_for_update(of=("self",)) if lock else query)
    found = {row.entry_id for row in rows}
    missing = [s for s in seqs if s not in found]
    if missing:
        raise NotFound(f"entries: entry {missing[0]} has no content", field="entries")
    return rows


def _required(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{field}: is required (say why, in words)", field=field)
    if len(value) > MAX_REFERENCE * 5:
        raise BadInput(f"{field}: must be at most {MAX_REFERENCE * 5} characters", field=field)
    return value.strip()


def _subject(rows: list[Content]) -> str | None:
    subjects = {row.entry.subject for row in rows}
    return subjects.pop() if len(subjects) == 1 else None


def read(seq: int) -> bytes:
    """The exact bytes of content that is not sealed. Sealed content needs :func:`unseal`."""
    (row,) = _rows(_seqs([seq]), lock=False)
    if row.state == Content.State.SEALED:
        raise Refused(f"entry {seq}: content is sealed; unseal it with a purpose and reference")
    if row.state == Content.State.DESTROYED:
        raise Refused(f"entry {seq}: content was destroyed at the end of its retention")
    return bytes(row.body)


def read_many(seqs: Iterable[int]) -> dict[int, bytes]:
    """The exact bytes of many entries' content in one query; sealed or destroyed content is
    left out (read it through :func:`unseal`)."""
    rows = Content.objects.filter(entry_id__in=set(seqs), state=Content.State.PLAIN)
    return {seq: bytes(body) for seq, body in rows.values_list("entry_id", "body")}


def _forget_old_pages() -> None:
    """After sealing or destroying, on SQLite: copy the write-ahead log into the database and
    truncate it, so that no earlier copy of a page holding the plain wording stays on disk
    (``secure_delete`` clears what the change replaced in the database itself). Best effort: a
    reader holding an old snapshot can keep a checkpoint from finishing; the next one does."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def seal(seqs: Iterable[int], *, actor: str | None, reason: str) -> log.Appended:
    """Encrypt content at rest. Already sealed content stays as it is."""
    seqs = _seqs(seqs)
    reason = _required(reason, "reason")
    key = keys.sealing_store().key()
    with transaction.atomic():
        rows = _rows(seqs, lock=True)
        for row in rows:
            if row.state == Content.State.DESTROYED:
                raise Refused(f"entry {row.entry_id}: content was destroyed; nothing to seal")
        for row in rows:
            if row.state == Content.State.PLAIN:
                row.body = sealing.seal(key, row.entry_id, bytes(row.commitment), bytes(row.body))
                row.state = Content.State.SEALED
                row.save(update_fields=["body", "state"])
        transaction.on_commit(_forget_old_pages, robust=True)
        return log.append(
            "content.sealed",
            {"entries": seqs, "reason": reason},
            actor=actor,
            subject=_subject(rows),
        )


def unseal(seqs: Iterable[int], *, actor: str, purpose: str, reference: str) -> dict[int, bytes]:
    """The exact original bytes of sealed content, after committing a ``content.accessed``
    entry that says who looked, for what purpose and under which reference.

    Must be called outside any transaction: the access is committed before anything is shown.
    """
    seqs = _seqs(seqs)
    purpose = _required(purpose, "purpose")
    reference = _required(reference, "reference")
    if not isinstance(actor, str) or not actor.strip():
        raise BadInput("actor: unsealing needs a named person", field="actor")
    key = keys.sealing_store().key()
    with transaction.atomic(durable=True):
        rows = _rows(seqs, lock=True)
        destroyed = [row.entry_id for row in rows if row.state == Content.State.DESTROYED]
        if destroyed:
            raise Refused(f"entry {destroyed[0]}: content was destroyed at the end of retention")
        log.append(
            "content.accessed",
            {"entries": seqs, "purpose": purpose, "reference": reference},
            actor=actor,
            subject=_subject(rows),
        )
        held = [(row.entry_id, bytes(row.commitment), row.state, bytes(row.body)) for row in rows]
    opened = {}
    for seq, commitment, state, body in held:
        if state == Content.State.SEALED:
            body = sealing.open_sealed(key, seq, commitment, body)
        opened[seq] = body
    return opened


def open_for_export(
    seqs: Iterable[int], *, actor: str, purpose: str, reference: str, export: str
) -> tuple[dict[int, bytes], list[tuple[str | None, log.Appended]]]:
    """The exact bytes of sealed content that an evidence pack includes, and the
    ``content.accessed`` entries (one per subject) recording who opened it, why, and for which
    export. Runs in the caller's transaction, which records the export too and must commit
    before the pack is handed over: the pack's access is committed with the pack, or not at all.
    """
    seqs = _seqs(seqs)
    purpose = _required(purpose, "purpose")
    reference = _required(reference, "reference")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("open_for_export must run inside the export's transaction")
    rows = _rows(seqs, lock=True)
    unsealed = [row.entry_id for row in rows if row.state != Content.State.SEALED]
    if unsealed:
        raise Refused(f"entry {unsealed[0]}: its content is not sealed; read it as it is")
    key = keys.sealing_store().key()
    opened: dict[int, bytes] = {}
    by_subject: dict[str | None, list[int]] = {}
    for row in rows:
        opened[row.entry_id] = sealing.open_sealed(
            key, row.entry_id, bytes(row.commitment), bytes(row.body)
        )
        by_subject.setdefault(row.entry.subject, []).append(row.entry_id)
    appended = []
    for subject, entries in sorted(by_subject.items(), key=lambda item: item[1][0]):
        data = {"entries": entries, "purpose": purpose, "reference": reference, "export": export}
        added = log.append("content.accessed", data, actor=actor, subject=subject)
        appended.append((subject, added))
    return opened, appended


def destroy(seqs: Iterable[int], *, actor: str | None, reason: str) -> log.Appended:
    """Destroy content and its salt at the end of retention; refused while a hold stands."""
    seqs = _seqs(seqs)
    reason = _required(reason, "reason")
    with transaction.atomic():
        rows = _rows(seqs, lock=True)
        subjects = {row.entry.subject for row in rows if row.entry.subject}
        hold = Hold.objects.filter(subject__in=subjects, released_seq__isnull=True).first()
        if hold is not None:
            raise Refused(
                f"entries: a hold ({hold.reference}) stands on {hold.subject}; "
                "content under a hold may not be destroyed"
            )
        for row in rows:
            if row.state != Content.State.DESTROYED:
                row.body = None
                row.salt = None
                row.state = Content.State.DESTROYED
                row.save(update_fields=["body", "salt", "state"])
        transaction.on_commit(_forget_old_pages, robust=True)
        return log.append(
            "retention.destroyed",
            {"entries": seqs, "reason": reason},
            actor=actor,
            subject=_subject(rows),
        )


def place_hold(subject: str, *, reference: str, actor: str | None) -> Hold:
    reference = _required(reference, "reference")
    if not Entry.objects.filter(subject=subject).exists():
        raise NotFound(f"subject: nothing in the record is about {subject!r}", field="subject")
    with transaction.atomic():
        placed = log.append("hold.placed", {"reference": reference}, actor=actor, subject=subject)
        return Hold.objects.create(
            subject=subject, reference=reference, placed_seq=placed.seq, placed_by=actor
        )


def release_hold(hold_id: int, *, actor: str | None) -> Hold:
    with transaction.atomic():
        hold = Hold.objects.select_for_update().filter(pk=hold_id).first()
        if hold is None:
            raise NotFound(f"hold: there is no hold {hold_id}", field="hold")
        if not hold.active:
            raise Refused(f"hold: hold {hold_id} was already released")
        released = log.append(
            "hold.released",
            {"hold": hold.pk, "reference": hold.reference},
            actor=actor,
            subject=hold.subject,
        )
        hold.released_seq = released.seq
        hold.released_by = actor
        hold.save(update_fields=["released_seq", "released_by"])
        return hold


def active_holds(subject: str) -> list[Hold]:
    return list(Hold.objects.filter(subject=subject, released_seq__isnull=True).order_by("id"))
