"""Signed notes and checkpoints, byte-compatible with Go's ``golang.org/x/mod/sumdb/note``.

A note is text ending in a newline, a blank line, then signature lines
``— <key name> <base64(4-byte key hash || signature)>``. Keys are written as
``<name>+<hash>+<base64(0x01 || key)>`` (verifier) and ``PRIVATE+KEY+<name>+<hash>+...``
(signer); the key hash is the first 4 bytes of ``SHA-256(name || "\\n" || 0x01 || public key)``.

A checkpoint (C2SP tlog-checkpoint) is a note whose text is the log's origin, its size in
decimal and its root hash in base64, one per line. Pure functions; no storage.
"""

import base64
import binascii
import struct
from dataclasses import dataclass
from hashlib import sha256

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG_ED25519 = 0x01
DASH = "\u2014"  # the em dash that starts every signature line


class NoteError(ValueError):
    """A note, key or checkpoint that is malformed or does not verify."""


class UntrustedNote(NoteError):
    """A well-formed note that no trusted key signed."""


def _valid_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(c.isspace() for c in name)


def key_hash(name: str, public_key: bytes) -> int:
    digest = sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public_key).digest()
    return struct.unpack(">I", digest[:4])[0]


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"{what} is not valid base64") from None


@dataclass(frozen=True)
class Verifier:
    name: str
    hash: int
    public_key: bytes

    @classmethod
    def parse(cls, vkey: str) -> "Verifier":
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3 or not _valid_name(parts[0]):
            raise NoteError("verifier key must be <name>+<hash>+<key>")
        name, hash_hex, encoded = parts
        key = _b64decode(encoded, "verifier key")
        if len(hash_hex) != 8 or len(key) != 33 or key[0] != ALG_ED25519:
            raise NoteError("verifier key is not an Ed25519 key")
        try:
            declared = int(hash_hex, 16)
        except ValueError:
            raise NoteError("verifier key hash is not hexadecimal") from None
        if declared != key_hash(name, key[1:]):
            raise NoteError("verifier key hash does not match its key")
        return cls(name, declared, key[1:])

    def __str__(self) -> str:
        encoded = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.hash:08x}+{encoded}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


class Signer:
    """An Ed25519 note signer. Key stores hand these out; the private key never leaves them."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey):
        if not _valid_name(name):
            raise NoteError(f"key name {name!r} must be non-empty, without spaces or '+'")
        self.name = name
        self._key = private_key
        public = private_key.public_key().public_bytes_raw()
        self.verifier = Verifier(name, key_hash(name, public), public)

    @classmethod
    def generate(cls, name: str) -> "Signer":
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def parse(cls, skey: str) -> "Signer":
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("signer key must be PRIVATE+KEY+<name>+<hash>+<key>")
        name, hash_hex, encoded = parts[2:]
        key = _b64decode(encoded, "signer key")
        if len(key) != 33 or key[0] != ALG_ED25519:
            raise NoteError("signer key is not an Ed25519 key")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(key[1:]))
        if f"{signer.verifier.hash:08x}" != hash_hex.lower():
            raise NoteError("signer key hash does not match its key")
        return signer

    def private_text(self) -> str:
        seed = self._key.private_bytes_raw()
        encoded = base64.b64encode(bytes([ALG_ED25519]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.hash:08x}+{encoded}"

    def sign(self, text: str) -> str:
        """``text`` as a signed note with this key's signature line."""
        message = _text_bytes(text)
        signature = struct.pack(">I", self.verifier.hash) + self._key.sign(message)
        line = f"{DASH} {self.name} {base64.b64encode(signature).decode()}\n"
        return text + "\n" + line


def _text_bytes(text: str) -> bytes:
    if not text.endswith("\n") or "\n\n" in text or "\r" in text:
        raise NoteError("note text must be non-empty lines, each ending in a newline")
    return text.encode("utf-8")


@dataclass(frozen=True)
class Opened:
    text: str
    verified_by: tuple[Verifier, ...]
    unknown_signers: tuple[str, ...]


def open_note(note: str, verifiers: list[Verifier]) -> Opened:
    """Split and check a signed note; raises NoteError unless a known key signed it.

    Signature lines from keys not in ``verifiers`` are reported, not trusted. A signature line
    from a known key that does not verify is an error.
    """
    if not note.endswith("\n"):
        raise NoteError("signed note must end with a newline")
    split_at = note.rfind("\n\n")
    if split_at < 0:
        raise NoteError("signed note has no blank line before its signatures")
    text, signatures = note[: split_at + 1], note[split_at + 2 :]
    message = _text_bytes(text)
    known = {(v.name, v.hash): v for v in verifiers}
    verified: list[Verifier] = []
    unknown: list[str] = []
    for line in signatures.splitlines():
        prefix = f"{DASH} "
        if not line.startswith(prefix) or line.count(" ") != 2:
            raise NoteError(f"malformed signature line {line!r}")
        name, encoded = line[len(prefix) :].split(" ")
        raw = _b64decode(encoded, "signature")
        if len(raw) < 5:
            raise NoteError("signature is too short")
        (hash_,) = struct.unpack(">I", raw[:4])
        verifier = known.get((name, hash_))
        if verifier is None:
            unknown.append(f"{name}+{hash_:08x}")
            continue
        if not verifier.verify(message, raw[4:]):
            raise NoteError(f"signature by {name} does not verify")
        verified.append(verifier)
    if not verified:
        raise UntrustedNote("no signature by a trusted key")
    return Opened(text, tuple(verified), tuple(unknown))


# --- checkpoints ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointBody:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"

    @classmethod
    def parse(cls, text: str) -> "CheckpointBody":
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("checkpoint must have an origin, a size and a root hash")
        origin, size_text, root_text, *extensions = lines[:-1]
        if not origin:
            raise NoteError("checkpoint origin is empty")
        # ASCII digits only: str.isdigit() also takes "٤٢" and "²", which no other reader does.
        digits = size_text.isascii() and size_text.isdigit()
        if not digits or (size_text != "0" and size_text.startswith("0")):
            raise NoteError("checkpoint size is not a decimal number")
        root = _b64decode(root_text, "checkpoint root hash")
        if len(root) != 32:
            raise NoteError("checkpoint root hash is not 32 bytes")
        return cls(origin, int(size_text), root, tuple(extensions))
