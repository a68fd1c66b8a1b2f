"""This install as a witness of other forces' logs (C2SP tlog-witness, the witness side).

:func:`add_checkpoint` answers one ``POST /add-checkpoint`` with every status the protocol
defines: 400 for a body outside it, 404 for a log not witnessed here, 403 when no trusted key
signed the checkpoint, 409 (with the size cosigned last, ``text/x.tlog.size``) when the old size
is not that size or the same size comes with another root, 422 when the consistency proof does
not hold, and 200 with the cosignature line. The log's row moves by compare-and-swap on the
size and root read, so two requests racing can never roll it back: the loser gets a 409.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction

from amends import keyfiles
from amends.errors import BadInput, NotFound
from amends.record import merkle
from amends.record.note import CheckpointBody, NoteError, UntrustedNote, Verifier, open_note
from amends.witness.cosignature import AddCheckpoint, BadRequest, Cosigner
from amends.witness.models import WitnessedLog

logger = logging.getLogger(__name__)
SIZE_TYPE = "text/x.tlog.size"


def cosigner() -> Cosigner:
    """This install's witness key, created on first use (mode 0600, beside the signing key)."""
    path = Path(settings.WITNESS_KEY_FILE)
    if not path.exists():
        keyfiles.create_once(path, Cosigner.generate(settings.WITNESS_NAME).private_text())
    return _parse(path, path.stat().st_mtime_ns)


@cache
def _parsed(path: Path, mtime: int, text: str) -> Cosigner:
    try:
        return Cosigner.parse(text)
    except NoteError as error:
        raise BadInput(f"witness key file {path}: {error}") from None


def _parse(path: Path, mtime: int) -> Cosigner:
    try:
        text = keyfiles.read(path, "witness key file")
    except ValueError as error:
        raise BadInput(str(error)) from None
    return _parsed(path, mtime, text)


def add_log(origin: str, key: str) -> WitnessedLog:
    """Witness the log ``origin`` signed by ``key`` (a note verifier key). Adding another key
    to a log already witnessed keeps its state: it is the same log, with a rotated key."""
    origin = origin.strip() if isinstance(origin, str) else ""
    if not origin or "\n" in origin:
        raise BadInput("origin: give the log's origin line, e.g. news.police.example/amends")
    try:
        verifier = Verifier.parse(key)
    except NoteError as error:
        raise BadInput(f"verifier_key: {error}", field="verifier_key") from None
    with transaction.atomic():
        log, created = WitnessedLog.objects.select_for_update().get_or_create(
            origin=origin, defaults={"keys": str(verifier)}
        )
        if not created and str(verifier) not in log.keys.split("\n"):
            log.keys = f"{log.keys}\n{verifier}"
            log.save(update_fields=["keys"])
    return log


def witnessed() -> list[WitnessedLog]:
    return list(WitnessedLog.objects.order_by("origin"))


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


def add_checkpoint(body: bytes) -> Answer:
    try:
        request = AddCheckpoint.parse(body)
        at = request.note.rfind("\n\n")
        checkpoint = CheckpointBody.parse(request.note[: at + 1] if at >= 0 else request.note)
    except (BadRequest, NoteError) as error:
        return Answer(400, f"{error}\n")
    log = WitnessedLog.objects.filter(origin=checkpoint.origin).first()
    if log is None:
        return Answer(404, "this witness does not witness that log\n")
    try:
        open_note(request.note, [Verifier.parse(k) for k in log.keys.split("\n")])
    except UntrustedNote:
        return Answer(403, "no signature by a key this witness trusts for that log\n")
    except NoteError as error:
        return Answer(403, f"{error}\n")
    if request.old > checkpoint.size:
        return Answer(400, "the old size is larger than the checkpoint's size\n")
    answer = _advance(log, request, checkpoint)
    if answer.status != 200:
        WitnessedLog.objects.filter(pk=log.pk).update(refusals=log.refusals + 1)
        logger.warning(
            "refused a checkpoint of %s at size %s: %s %s",
            checkpoint.origin,
            checkpoint.size,
            answer.status,
            answer.body.strip(),
        )
    return answer


def _advance(log: WitnessedLog, request: AddCheckpoint, checkpoint: CheckpointBody) -> Answer:
    root = bytes(log.root) if log.root is not None else None
    if request.old != log.size:
        return Answer(409, f"{log.size}\n", SIZE_TYPE)
    if request.old == checkpoint.size and request.old > 0:
        if root != checkpoint.root or request.proof:
            return Answer(409, f"{log.size}\n", SIZE_TYPE)
    elif request.old == 0:
        if request.proof:
            return Answer(422, "the proof must be empty from size 0\n")
    elif root is None or not merkle.verify_consistency(
        request.old, checkpoint.size, root, checkpoint.root, request.proof
    ):
        return Answer(422, "the consistency proof does not verify\n")
    text = request.note[: request.note.rfind("\n\n") + 1]
    # Persisted before answering, and only if nobody moved the log since it was read.
    moved = WitnessedLog.objects.filter(pk=log.pk, size=log.size, root=log.root).update(
        size=checkpoint.size,
        root=checkpoint.root,
        note=request.note,
        updated_at=datetime.now(UTC),
    )
    if not moved:
        current = WitnessedLog.objects.values_list("size", flat=True).get(pk=log.pk)
        return Answer(409, f"{current}\n", SIZE_TYPE)
    return Answer(200, cosigner().cosign(text))


def find(origin: str) -> WitnessedLog:
    log = WitnessedLog.objects.filter(origin=origin).first()
    if log is None:
        raise NotFound(f"origin: this install does not witness {origin!r}", field="origin")
    return log
