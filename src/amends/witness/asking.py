"""Asking witnesses to cosign the record's checkpoints (C2SP tlog-witness, the client side).

:func:`ask` sends a checkpoint to every configured witness with a consistency proof from the
size that witness cosigned last, and handles each answer the protocol defines:

- 200: the cosignature is checked against the witness's key and kept;
- 409 with a size: the witness saw another size; asked once more from that size. A witness
  that saw *more* of the log than the record now holds, or another root at the same size,
  is a **fork**: the record was rolled back or rewritten;
- 422: the witness's view cannot be extended to this checkpoint: a **fork**;
- 403 / 404: it does not trust this log's key, or does not witness this log;
- anything else, or no answer: unreachable, asked again next time.

A fork is recorded (``witness.refused``) and raised everywhere the record's health shows: Today,
``amends verify``, the people on call. The worker asks at most every
``AMENDS_WITNESS_INTERVAL`` seconds and at least daily (:func:`ask_if_due`).
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from django.conf import settings
from django.db import transaction
from django.dispatch import Signal

from amends import __version__
from amends.evidence.verify import Policy
from amends.record import api as record
from amends.record.models import Checkpoint
from amends.record.note import NoteError
from amends.witness.cosignature import AddCheckpoint, CosignerKey, note_parts
from amends.witness.models import Cosignature, Witness

logger = logging.getLogger(__name__)
State = Witness.State
# Sent with ``checkpoint=`` when a checkpoint gained cosignatures: the site shows them.
cosigned = Signal()
DAY = timedelta(days=1)


@dataclass
class Asked:
    checkpoint: Checkpoint
    cosigned: list[str] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)
    forks: list[str] = field(default_factory=list)
    kept: int = 0  # cosignatures new with this asking


def cosigned_note(checkpoint: Checkpoint) -> str:
    """The checkpoint's note with every cosignature kept for it, in witness order."""
    lines = Cosignature.objects.filter(checkpoint=checkpoint).order_by("witness__name")
    return checkpoint.note + "".join(c.line for c in lines)


def policy() -> Policy | None:
    """The policy a pack carries: the log's keys (every key in its history), the witnesses,
    and the quorum of ``AMENDS_WITNESS_QUORUM``. None without witnesses, or when the quorum
    asks for more witnesses than there are (nothing could meet it)."""
    from amends.record.note import Verifier

    witnesses = list(Witness.objects.order_by("name"))
    if not witnesses:
        return None
    word = settings.WITNESS_QUORUM
    if word not in ("all", "any") and int(word) > len(witnesses):
        return None
    shown = Policy()
    keys = [row["key"] for row in record.key_history()] or [record.verifier_key()]
    for key in dict.fromkeys(keys):
        shown.logs.append((Verifier.parse(key).public_key, settings.SITE_URL))
    for w in witnesses:
        shown.witnesses[w.name] = (CosignerKey.parse(w.key).public_key, w.url)
    text = shown.text().replace("quorum none\n", "")
    members = " ".join(w.name for w in witnesses)
    return Policy.parse(f"{text}group witnesses {word} {members}\nquorum witnesses\n")


def ask(checkpoint: Checkpoint, witnesses: list[Witness] | None = None) -> Asked:
    """Ask every witness (or those given) to cosign ``checkpoint``; keep what they return."""
    asked = Asked(checkpoint)
    chosen = list(Witness.objects.all()) if witnesses is None else witnesses
    if not chosen:
        return asked
    with httpx.Client(
        timeout=settings.WITNESS_TIMEOUT,
        headers={"User-Agent": f"Amends/{__version__}"},
        follow_redirects=False,
    ) as client:
        for witness in chosen:
            if Cosignature.objects.filter(checkpoint=checkpoint, witness=witness).exists():
                asked.cosigned.append(witness.name)
                continue
            _ask_one(client, witness, checkpoint, asked)
    if asked.kept:
        transaction.on_commit(
            lambda: cosigned.send(sender=Checkpoint, checkpoint=checkpoint), robust=True
        )
    return asked


def _request(witness: Witness, checkpoint: Checkpoint) -> bytes:
    old = witness.size
    proof: list[bytes] = []
    if 0 < old < checkpoint.size:
        proof = record.consistency_proof(old, checkpoint.size).hashes
    return AddCheckpoint(old, tuple(proof), checkpoint.note).body()


def _ask_one(client: httpx.Client, witness: Witness, checkpoint: Checkpoint, asked: Asked):
    url = witness.url.rstrip("/") + "/add-checkpoint"
    witness.asked_at = datetime.now(UTC)
    for _ in range(2):  # once, and once more from the size a 409 names
        if witness.size > checkpoint.size:
            _fork(
                witness,
                checkpoint,
                asked,
                f"it cosigned {witness.size:,} entries of this log before, and the record now "
                f"signs {checkpoint.size:,}: entries it saw are gone",
            )
            return
        try:
            answer = client.post(url, content=_request(witness, checkpoint))
        except httpx.HTTPError as error:
            _problem(witness, asked, State.UNREACHABLE, f"no answer from {url}: {error}")
            return
        if answer.status_code == 200:
            _keep(witness, checkpoint, answer.text, asked)
            return
        if answer.status_code == 409:
            seen = _size(answer)
            if seen is None:
                _problem(witness, asked, State.UNREACHABLE, "409 without a size")
                return
            if seen == witness.size:
                _fork(
                    witness,
                    checkpoint,
                    asked,
                    f"it holds another root for {seen:,} entries than the record does",
                )
                return
            witness.size = seen
            continue
        if answer.status_code == 422:
            _fork(
                witness,
                checkpoint,
                asked,
                f"the record's {checkpoint.size:,} entries do not extend the {witness.size:,} "
                "it cosigned before",
            )
            return
        if answer.status_code in (403, 404):
            why = (
                "it does not trust this log's signing key"
                if answer.status_code == 403
                else "it does not witness this log; ask its operator to add it"
            )
            _problem(witness, asked, State.REFUSED, f"{answer.status_code}: {why}")
            return
        _problem(witness, asked, State.UNREACHABLE, f"answered {answer.status_code}")
        return
    _problem(witness, asked, State.UNREACHABLE, "409 twice; asked again next time")


def _size(answer: httpx.Response) -> int | None:
    text = answer.text.strip()
    ok = answer.headers.get("content-type", "").startswith("text/x.tlog.size")
    return int(text) if ok and text.isascii() and text.isdigit() else None


def _keep(witness: Witness, checkpoint: Checkpoint, body: str, asked: Asked) -> None:
    key = CosignerKey.parse(witness.key)
    text, _ = note_parts(checkpoint.note)
    found = None
    for line in body.split("\n"):
        try:
            timestamp = key.timestamp_of(line, text) if line else None
        except NoteError as error:
            _problem(witness, asked, State.UNREACHABLE, f"its cosignature is wrong: {error}")
            return
        if timestamp is not None:
            found = (line + "\n", timestamp)
    if found is None:
        _problem(witness, asked, State.UNREACHABLE, "200 without a cosignature by its key")
        return
    now = datetime.now(UTC)
    with transaction.atomic():
        Cosignature.objects.get_or_create(
            checkpoint=checkpoint,
            witness=witness,
            defaults={"line": found[0], "timestamp": found[1]},
        )
        witness.size, witness.state, witness.problem = checkpoint.size, State.OK, ""
        witness.cosigned_at = now
        witness.save()
    asked.cosigned.append(witness.name)
    asked.kept += 1


def _problem(witness: Witness, asked: Asked, state: str, problem: str) -> None:
    if witness.state == State.FORK:
        state = State.FORK  # a fork stays raised until a person looks (amends witnesses list)
    witness.state, witness.problem = state, problem
    witness.save()
    asked.problems[witness.name] = problem
    logger.warning("witness %s: %s", witness.name, problem)


def _fork(witness: Witness, checkpoint: Checkpoint, asked: Asked, why: str) -> None:
    problem = f"witness {witness.name} refused checkpoint {checkpoint.size:,}: {why}"
    with transaction.atomic():
        witness.state, witness.problem = State.FORK, problem
        witness.refused_size = checkpoint.size
        witness.save()
        record.append(
            "witness.refused",
            {"witness": witness.name, "size": checkpoint.size, "problem": problem},
        )
    asked.problems[witness.name] = problem
    asked.forks.append(witness.name)
    logger.error("%s", problem)
    from amends.notify import events

    events.safely(events.record_forked, problem)


def fork_problem() -> str | None:
    """The first fork a witness raised, until that witness cosigns again; None when there is
    none."""
    from django.utils.translation import gettext

    forked = Witness.objects.filter(state=State.FORK).order_by("name").first()
    if forked is None:
        return None
    # Said in the reader's language (Today); the whole reason is in `amends witnesses list`.
    return gettext(
        "witness %(name)s refused checkpoint %(size)s: its view of the log differs from the "
        "record's, which may have been rolled back or rewritten"
    ) % {"name": forked.name, "size": f"{forked.refused_size or 0:,}"}


def ask_if_due() -> Asked | None:
    """The worker's call: ask about the latest checkpoint once the interval has passed since
    the witnesses were last asked, and sign a fresh one when the last cosignature is a day old
    (a witness's time says the log still stood there that day)."""
    witnesses = list(Witness.objects.all())
    if not witnesses:
        return None
    now = datetime.now(UTC)
    last_asked = max((w.asked_at for w in witnesses if w.asked_at), default=None)
    if last_asked and now - last_asked < timedelta(seconds=settings.WITNESS_INTERVAL):
        return None
    latest = record.latest_checkpoint()
    last_cosigned = max((w.cosigned_at for w in witnesses if w.cosigned_at), default=None)
    if (
        latest is None
        or latest.size < record.size()
        or (last_cosigned is not None and now - last_cosigned >= DAY)
    ):
        latest = record.sign_checkpoint()
    waiting = [
        w
        for w in witnesses
        if not Cosignature.objects.filter(checkpoint=latest, witness=w).exists()
    ]
    return ask(latest, waiting) if waiting else None
