"""Witness cosignatures (C2SP tlog-cosignature, ``cosignature/v1``) and the body of the witness
protocol's ``add-checkpoint`` request (C2SP tlog-witness). Pure functions; no storage.

A cosignature is a note signature line ``— <name> base64(key ID || timestamp || signature)``
over ``cosignature/v1\\ntime <T>\\n`` followed by the checkpoint's whole note text. The key ID
is ``SHA-256(name || "\\n" || 0x04 || Ed25519 public key)[:4]``; the verifier key is written
``<name>+<hex key ID>+base64(0x04 || public key)`` like any note verifier key.

ML-DSA-44 cosignatures (type 0x06) sign C2SP's binary ``subtree/v1`` message instead
(``amends.evidence.verify.mldsa_message``); they are checked where ``cryptography`` has ML-DSA
(47 and later), and a signature that cannot be checked is never counted towards a quorum.
"""

import base64
import binascii
import struct
import time
from dataclasses import dataclass
from hashlib import sha256

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from amends.record.note import DASH, NoteError

ALG_COSIGNATURE_V1 = 0x04
ALG_ML_DSA_44 = 0x06
HEADER = "cosignature/v1"
MAX_PROOF_LINES = 63
MAX_TIMESTAMP = 2**63 - 1


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def key_id(name: str, public_key: bytes, alg: int = ALG_COSIGNATURE_V1) -> bytes:
    return sha256(name.encode() + b"\n" + bytes([alg]) + public_key).digest()[:4]


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"{what} is not valid base64") from None


def signed_message(note_text: str, timestamp: int) -> bytes:
    """What a ``cosignature/v1`` signs: the header, the time, the checkpoint's note text."""
    return f"{HEADER}\ntime {timestamp}\n{note_text}".encode()


@dataclass(frozen=True)
class CosignerKey:
    """A witness's public key as a note verifier key (type 0x04, or 0x06 for ML-DSA-44)."""

    name: str
    public_key: bytes
    alg: int = ALG_COSIGNATURE_V1

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.public_key, self.alg)

    @classmethod
    def parse(cls, vkey: str) -> "CosignerKey":
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3 or not _valid_name(parts[0]):
            raise NoteError("a witness key must be <name>+<key ID>+<key>")
        name, id_hex, encoded = parts
        raw = _b64(encoded, "witness key")
        if not raw or raw[0] not in (ALG_COSIGNATURE_V1, ALG_ML_DSA_44):
            raise NoteError("a witness key must be a cosignature/v1 (Ed25519) or ML-DSA-44 key")
        size = 32 if raw[0] == ALG_COSIGNATURE_V1 else 1312
        if len(raw) != 1 + size:
            raise NoteError("the witness key has the wrong length for its type")
        key = cls(name, raw[1:], raw[0])
        if id_hex.lower() != key.id.hex() or len(id_hex) != 8:
            raise NoteError("the witness key's ID does not match its key")
        return key

    def __str__(self) -> str:
        encoded = base64.b64encode(bytes([self.alg]) + self.public_key).decode()
        return f"{self.name}+{self.id.hex()}+{encoded}"

    @property
    def checkable(self) -> bool:
        from amends.evidence.verify import mldsa44

        return self.alg == ALG_COSIGNATURE_V1 or mldsa44() is not None

    def timestamp_of(self, line: str, note_text: str) -> int | None:
        """The time a signature line by this key cosigned ``note_text``; None when the line is
        not by this key. A line by this key that does not verify is a NoteError."""
        parsed = _split_line(line)
        if parsed is None or parsed[0] != self.name:
            return None
        raw = _b64(parsed[1], "cosignature")
        if raw[:4] != self.id:
            return None
        if not self.checkable:
            raise NoteError(f"the ML-DSA-44 cosignature by {self.name} cannot be checked here")
        length = 64 if self.alg == ALG_COSIGNATURE_V1 else 2420
        if len(raw) != 4 + 8 + length:
            raise NoteError(f"the cosignature by {self.name} has the wrong length")
        (timestamp,) = struct.unpack(">Q", raw[4:12])
        if timestamp > MAX_TIMESTAMP:
            raise NoteError(f"the cosignature by {self.name} has an impossible time")
        try:
            if self.alg == ALG_COSIGNATURE_V1:
                Ed25519PublicKey.from_public_bytes(self.public_key).verify(
                    raw[12:], signed_message(note_text, timestamp)
                )
            else:
                from amends.evidence.verify import mldsa44, mldsa_message
                from amends.record.note import CheckpointBody

                body = CheckpointBody.parse(note_text)
                message = mldsa_message(self.name, timestamp, body.origin, body.size, body.root)
                checker = mldsa44()
                assert checker is not None  # checkable said so
                checker.from_public_bytes(self.public_key).verify(raw[12:], message)
        except InvalidSignature:
            raise NoteError(f"the cosignature by {self.name} does not verify") from None
        return timestamp


def _split_line(line: str) -> tuple[str, str] | None:
    parts = line.split(" ")
    if len(parts) != 3 or parts[0] != DASH:
        return None
    return parts[1], parts[2]


class Cosigner:
    """A witness's Ed25519 signing key."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey):
        if not _valid_name(name):
            raise NoteError(f"witness name {name!r} must be non-empty, without spaces or '+'")
        self.name = name
        self._key = private_key
        self.key = CosignerKey(name, private_key.public_key().public_bytes_raw())

    @classmethod
    def generate(cls, name: str) -> "Cosigner":
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def parse(cls, text: str) -> "Cosigner":
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a witness signing key must be PRIVATE+KEY+<name>+<key ID>+<key>")
        raw = _b64(parts[4], "witness signing key")
        if len(raw) != 33 or raw[0] != ALG_COSIGNATURE_V1:
            raise NoteError("the witness signing key is not a cosignature/v1 key")
        cosigner = cls(parts[2], Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if cosigner.key.id.hex() != parts[3].lower():
            raise NoteError("the witness signing key's ID does not match its key")
        return cosigner

    def private_text(self) -> str:
        seed = bytes([ALG_COSIGNATURE_V1]) + self._key.private_bytes_raw()
        encoded = base64.b64encode(seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.key.id.hex()}+{encoded}"

    def cosign(self, note_text: str, timestamp: int | None = None) -> str:
        """The signature line (with its newline) cosigning a checkpoint's note text."""
        at = int(time.time()) if timestamp is None else timestamp
        signature = self._key.sign(signed_message(note_text, at))
        raw = self.key.id + struct.pack(">Q", at) + signature
        return f"{DASH} {self.name} {base64.b64encode(raw).decode()}\n"


def note_parts(note: str) -> tuple[str, list[str]]:
    """A signed note's text and its signature lines."""
    at = note.rfind("\n\n")
    if not note.endswith("\n") or at < 0:
        raise NoteError("a signed note must be text, a blank line and signature lines")
    return note[: at + 1], note[at + 2 :].split("\n")[:-1]


# --- the add-checkpoint request ------------------------------------------------------------


class BadRequest(ValueError):
    """An add-checkpoint body that does not follow the protocol (HTTP 400)."""


@dataclass(frozen=True)
class AddCheckpoint:
    old: int
    proof: tuple[bytes, ...]
    note: str

    def body(self) -> bytes:
        lines = [f"old {self.old}"] + [base64.b64encode(h).decode() for h in self.proof]
        return ("\n".join(lines) + "\n\n" + self.note).encode()

    @classmethod
    def parse(cls, body: bytes) -> "AddCheckpoint":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("the body is not UTF-8 text") from None
        head, blank, note = text.partition("\n\n")
        if not blank:
            raise BadRequest("the body needs an old size line, proof lines, a blank line")
        lines = head.split("\n")
        first = lines[0]
        digits = first[4:]
        if (
            not first.startswith("old ")
            or not (digits.isascii() and digits.isdigit())
            or (digits != "0" and digits.startswith("0"))
        ):
            raise BadRequest("the first line must be 'old' and a decimal size")
        if len(lines) - 1 > MAX_PROOF_LINES:
            raise BadRequest(f"more than {MAX_PROOF_LINES} consistency proof lines")
        proof = []
        for line in lines[1:]:
            try:
                raw = base64.b64decode(line, validate=True)
            except (binascii.Error, ValueError):
                raise BadRequest("a consistency proof line is not base64") from None
            if len(raw) != 32:
                raise BadRequest("a consistency proof line is not a 32-byte hash")
            proof.append(raw)
        return cls(int(digits), tuple(proof), note)
