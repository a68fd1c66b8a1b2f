"""Signed checkpoints of the log, and signing-key rotation.

A checkpoint is signed while the head row is locked, so checkpoints never go backwards in size.
They are signed on demand (``amends checkpoint``) and automatically after commits once
``AMENDS_CHECKPOINT_INTERVAL`` seconds have passed since the last one.

Every checkpoint, once its transaction commits, is announced with :data:`signed`: the public
site publishes it at once (amends.site), so what a pack is anchored to is what the site showed.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal

from amends.record import keys, log
from amends.record.models import Checkpoint, Head
from amends.record.note import CheckpointBody, NoteError, Signer, open_note

_last_due_check = 0.0
# Sent with ``checkpoint=`` after the transaction that signed it commits.
signed = Signal()
# What others say about the record, each a callable answering a problem or None: a witness that
# refused a checkpoint because its view of the log differs (amends.witness registers it). The
# record does not import what builds on it.
OUTSIDE_CHECKS: list = []


def raised() -> list[str]:
    """Problems others have raised about the record (a witness's refusal)."""
    return [problem for check in OUTSIDE_CHECKS if (problem := check())]


def sign_checkpoint() -> Checkpoint:
    """Sign the current tree head now and store it."""
    signer = keys.signing_store().signer()
    with transaction.atomic():
        head = Head.objects.select_for_update().get(pk=1)
        return _sign(signer, head.size)


def _sign(signer: Signer, n: int) -> Checkpoint:
    root = log.tree_root(n)
    body = CheckpointBody(settings.RECORD_ORIGIN, n, root)
    checkpoint = Checkpoint.objects.create(
        size=n,
        root=root,
        note=signer.sign(body.text()),
        signer=str(signer.verifier),
        created_at=datetime.now(UTC),
    )
    # robust: a site that cannot be written is logged, and never undoes a committed change.
    transaction.on_commit(
        lambda: signed.send(sender=Checkpoint, checkpoint=checkpoint), robust=True
    )
    return checkpoint


def key_history() -> list[dict]:
    """Every verifier key that has signed, with the range of sizes and the times it signed:
    a checkpoint (or a pack) from before a rotation is checked with the key of its day."""
    from django.db.models import Max, Min

    found = (
        Checkpoint.objects.values("signer")
        .annotate(
            first=Min("size"), last=Max("size"), since=Min("created_at"), until=Max("created_at")
        )
        .order_by("first", "since")
    )
    return [
        {
            "key": row["signer"],
            "first_size": row["first"],
            "last_size": row["last"],
            "first_signed": row["since"].astimezone(UTC).isoformat(),
            "last_signed": row["until"].astimezone(UTC).isoformat(),
        }
        for row in found
    ]


def verifier_key() -> str:
    """The verifier key of the current signing key (``<name>+<hash>+<key>``): public, for the
    site and for anyone checking a checkpoint."""
    return str(keys.signing_store().signer().verifier)


def latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-id").first()


def checkpoint_if_due() -> Checkpoint | None:
    """Sign a checkpoint if the log grew and the interval has passed. Cheap to call often."""
    global _last_due_check
    interval = settings.CHECKPOINT_INTERVAL
    now = time.monotonic()
    if interval and now - _last_due_check < min(interval, 1.0):
        return None
    _last_due_check = now
    newest = latest()
    if newest is not None:
        age = (datetime.now(UTC) - newest.created_at).total_seconds()
        if age < interval or newest.size == log.size():
            return None
    elif log.size() == 0:
        return None
    return sign_checkpoint()


def rotate_key(*, actor: str | None = None) -> Checkpoint:
    """Replace the signing key. The rotation is an entry, and the new key signs a checkpoint
    that covers it, so a verifier that trusts the new key learns the old one from the record."""
    store = keys.signing_store()
    old = store.signer()
    new = Signer.generate(old.name)
    with transaction.atomic(durable=True):
        log.append("key.rotated", {"from": str(old.verifier), "to": str(new.verifier)}, actor=actor)
    store.replace(new)
    with transaction.atomic():
        head = Head.objects.select_for_update().get(pk=1)
        return _sign(new, head.size)


@dataclass(frozen=True)
class Health:
    """What a dashboard shows about the record. ``ok`` is a quick check, not full verification:
    the latest checkpoint carries a good signature by the current key, and its root is the root
    the stored tree gives at that size."""

    size: int
    checkpoint: Checkpoint | None
    ok: bool
    problem: str = ""


def health() -> Health:
    size = log.size()
    newest = latest()
    outside = raised()
    if outside:
        return Health(size, newest, False, outside[0])
    if newest is None:
        return Health(size, None, True)
    try:
        opened = open_note(newest.note, [keys.signing_store().signer().verifier])
        body = CheckpointBody.parse(opened.text)
    except NoteError as error:
        return Health(size, newest, False, f"checkpoint {newest.pk}: {error}")
    if body.size != newest.size or body.root != log.tree_root(newest.size):
        return Health(size, newest, False, f"checkpoint {newest.pk}: root differs from the log")
    return Health(size, newest, True)
