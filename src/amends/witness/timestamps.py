"""Trusted timestamps (RFC 3161) over the record's cosigned checkpoints.

A time-stamping authority signs the hash of a checkpoint's cosigned note with the time it saw
it: the log stood there by then, on the word of a party outside the force. The authorities are
``AMENDS_TSA_URLS``; their answers must chain to a root in ``AMENDS_TSA_ROOTS_FILE``. Each
answer is checked with ``rfc3161-client`` (the nonce, the hash, the signature, the chain) before
it is kept; evidence packs carry them with the roots, and ``verify.py`` checks them offline.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings

from amends import __version__
from amends.record import api as record
from amends.record.models import Checkpoint
from amends.witness.models import Timestamp

logger = logging.getLogger(__name__)
DAY = timedelta(days=1)
LARGEST = 64 * 1024  # a timestamp answer with its certificates is a few kilobytes


def roots() -> list[x509.Certificate]:
    path = Path(settings.TSA_ROOTS_FILE)
    try:
        return x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as error:
        raise ValueError(f"AMENDS_TSA_ROOTS_FILE {path}: {error}") from None


def fingerprint(certificate: x509.Certificate) -> str:
    return "sha256:" + hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


def roots_pem() -> bytes:
    return b"".join(c.public_bytes(Encoding.PEM) for c in roots())


@dataclass
class Stamped:
    kept: list[Timestamp] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)


def stamp(checkpoint: Checkpoint, data: bytes) -> Stamped:
    """Ask every authority to stamp ``data`` (the checkpoint's cosigned note); keep each
    answer that checks."""
    from rfc3161_client import (
        TimestampRequestBuilder,
        VerificationError,
        VerifierBuilder,
        decode_timestamp_response,
    )

    stamped = Stamped()
    if not settings.TSA_URLS:
        return stamped
    trusted = roots()
    digest = hashlib.sha256(data).hexdigest()
    with httpx.Client(
        timeout=settings.WITNESS_TIMEOUT,
        headers={"User-Agent": f"Amends/{__version__}"},
        follow_redirects=False,
    ) as client:
        for url in settings.TSA_URLS:
            request = (
                TimestampRequestBuilder()
                .data(data)
                .nonce(nonce=True)
                .cert_request(cert_request=True)
                .build()
            )
            try:
                answer = client.post(
                    url,
                    content=request.as_bytes(),
                    headers={"Content-Type": "application/timestamp-query"},
                )
            except httpx.HTTPError as error:
                stamped.problems[url] = f"no answer: {error}"
                continue
            if answer.status_code != 200 or len(answer.content) > LARGEST:
                stamped.problems[url] = f"answered {answer.status_code}"
                continue
            try:
                response = decode_timestamp_response(answer.content)
                verifier = VerifierBuilder.from_request(request)
                for root in trusted:
                    verifier = verifier.add_root_certificate(root)
                verifier.build().verify_message(response, data)
            except (ValueError, VerificationError) as error:
                stamped.problems[url] = f"its timestamp does not check: {error}"
                continue
            stamped.kept.append(
                Timestamp.objects.create(
                    checkpoint=checkpoint,
                    authority=url,
                    digest=digest,
                    response=answer.content,
                    stamped_at=response.tst_info.gen_time,
                )
            )
    for url, problem in stamped.problems.items():
        logger.warning("time-stamping authority %s: %s", url, problem)
    return stamped


def stamp_latest() -> tuple[Checkpoint, Stamped]:
    """A timestamp of the latest cosigned checkpoint from each authority (``amends
    timestamp``): a fresh checkpoint is signed when the log grew, and the witnesses asked."""
    from amends.witness.asking import ask, cosigned_note

    latest = record.latest_checkpoint()
    if latest is None or latest.size < record.size():
        latest = record.sign_checkpoint()
        ask(latest)
    return latest, stamp(latest, cosigned_note(latest).encode())


_tried_at: datetime | None = None


def stamp_if_due() -> Stamped | None:
    """The worker's call: once a day, and after a failure again an hour later (not at every
    turn of the worker's loop)."""
    global _tried_at
    if not settings.TSA_URLS:
        return None
    now = datetime.now(UTC)
    newest = Timestamp.objects.order_by("-stamped_at").first()
    if newest is not None and now - newest.stamped_at < DAY:
        return None
    if _tried_at is not None and now - _tried_at < timedelta(hours=1):
        return None
    _tried_at = now
    return stamp_latest()[1]
