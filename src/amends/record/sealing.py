"""Sealing: AES-256-GCM encryption of content at rest. Pure functions of a key and bytes.

A sealed body is ``b"AS1" || key id (4) || nonce (12) || ciphertext and tag``. The associated
data binds it to its entry and commitment, so a sealed body moved to another entry does not open.
"""

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from amends.errors import AmendsError
from amends.record.keys import key_id

MAGIC = b"AS1"


class SealError(AmendsError):
    """Sealed content that cannot be opened with this key."""


def _aad(seq: int, commitment: bytes) -> bytes:
    return b"amends sealed content\n" + str(seq).encode() + b"\n" + commitment


def seal(key: bytes, seq: int, commitment: bytes, body: bytes) -> bytes:
    nonce = secrets.token_bytes(12)
    ciphertext = AESGCM(key).encrypt(nonce, body, _aad(seq, commitment))
    return MAGIC + key_id(key) + nonce + ciphertext


def open_sealed(key: bytes, seq: int, commitment: bytes, sealed: bytes) -> bytes:
    if sealed[:3] != MAGIC or len(sealed) < 3 + 4 + 12 + 16:
        raise SealError(f"sealed content of entry {seq} is not in the sealed format")
    if sealed[3:7] != key_id(key):
        raise SealError(f"entry {seq} was sealed with another sealing key")
    try:
        return AESGCM(key).decrypt(sealed[7:19], sealed[19:], _aad(seq, commitment))
    except InvalidTag:
        raise SealError(f"sealed content of entry {seq} has been altered") from None
