"""Keys the record uses, kept outside the database.

The signing key signs checkpoints; the sealing key encrypts sealed content. By default both are
files (``AMENDS_SIGNING_KEY_FILE``, ``AMENDS_SEALING_KEY_FILE``), created on first use with
mode 0600. Another store (a KMS, an HSM) fits behind the same two small interfaces: name its
class in ``AMENDS_SIGNING_KEY_STORE`` / ``AMENDS_SEALING_KEY_STORE``.
"""

import base64
import secrets
from functools import cache
from hashlib import sha256
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from amends import keyfiles
from amends.errors import AmendsError
from amends.record.note import NoteError, Signer


class KeyStoreError(AmendsError):
    """A key file that cannot be read, written or understood."""


class SigningKeyStore(Protocol):
    def signer(self) -> Signer:
        """The current signing key, created if there is none yet."""

    def replace(self, signer: Signer) -> None:
        """Make ``signer`` the current key (key rotation)."""


class SealingKeyStore(Protocol):
    def key(self) -> bytes:
        """The 32-byte AES-256-GCM key, created if there is none yet."""


def _read(path: Path, what: str) -> str:
    try:
        return keyfiles.read(path, what)
    except ValueError as error:
        raise KeyStoreError(str(error)) from None


class FileSigningKeyStore:
    """The signing key as a Go-note private key line in a file."""

    def __init__(self, path: Path | None = None, name: str | None = None):
        self.path = Path(path or settings.SIGNING_KEY_FILE)
        self.name = name or settings.RECORD_ORIGIN

    def signer(self) -> Signer:
        if not self.path.exists():
            keyfiles.create_once(self.path, Signer.generate(self.name).private_text())
        return _parse_signer(self.path, self.path.stat().st_mtime_ns)

    def replace(self, signer: Signer) -> None:
        keyfiles.write_private(self.path, signer.private_text())


@cache
def _parse_signer_cached(path: Path, mtime: int, text: str) -> Signer:
    try:
        return Signer.parse(text)
    except NoteError as error:
        raise KeyStoreError(f"signing key file {path}: {error}") from None


def _parse_signer(path: Path, mtime: int) -> Signer:
    return _parse_signer_cached(path, mtime, _read(path, "signing key file"))


class FileSealingKeyStore:
    """The sealing key as base64 in a file."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path or settings.SEALING_KEY_FILE)

    def key(self) -> bytes:
        if not self.path.exists():
            keyfiles.create_once(self.path, base64.b64encode(secrets.token_bytes(32)).decode())
        return _sealing_key(self.path, self.path.stat().st_mtime_ns)


@cache
def _sealing_key(path: Path, mtime: int) -> bytes:
    """The key in ``path`` as it was at ``mtime`` (read once, not for every sealed entry)."""
    text = _read(path, "sealing key file")
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:
        raise KeyStoreError(f"sealing key file {path} is not base64") from None
    if len(key) != 32:
        raise KeyStoreError(f"sealing key file {path} must hold 32 bytes, not {len(key)}")
    return key


def signing_store() -> SigningKeyStore:
    dotted = getattr(settings, "SIGNING_KEY_STORE", None)
    return import_string(dotted)() if dotted else FileSigningKeyStore()


def sealing_store() -> SealingKeyStore:
    dotted = getattr(settings, "SEALING_KEY_STORE", None)
    return import_string(dotted)() if dotted else FileSealingKeyStore()


def key_id(key: bytes) -> bytes:
    """Four bytes that tell sealing keys apart without revealing them."""
    return sha256(b"amends sealing key id\n" + key).digest()[:4]
