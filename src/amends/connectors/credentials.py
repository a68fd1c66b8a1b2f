"""Account credentials, encrypted with a key kept outside the database.

The key is a Fernet key in ``AMENDS_CREDENTIALS_KEY_FILE`` (by default
``$AMENDS_HOME/keys/credentials.key``, made when credentials are first stored, readable only
by its owner). A copy of the database alone therefore holds no usable password or token.
Credentials are decrypted only to build a connector that talks to the platform (the worker, an
account check), and no connector, error or log line prints them.
"""

import json
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

from amends.errors import AmendsError


class CredentialsError(AmendsError):
    """Stored credentials that this key cannot open."""


def _key_file() -> Path:
    return Path(settings.CREDENTIALS_KEY_FILE)


def _fernet(*, create: bool) -> Fernet:
    """The key; made only when credentials are first stored (``create``). Reading stored
    credentials with no key file is an error naming the setting, never a new, wrong key."""
    path = _key_file()
    if not path.exists():
        if not create:
            raise CredentialsError(
                f"credentials: the key file {path} is missing; point AMENDS_CREDENTIALS_KEY_FILE "
                "at the key these credentials were stored with"
            )
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Fernet.generate_key()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(key)
    return Fernet(path.read_bytes().strip())


def lock(secrets: dict[str, str]) -> bytes:
    return _fernet(create=True).encrypt(json.dumps(secrets, sort_keys=True).encode())


def unlock(token: bytes | memoryview | None) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(_fernet(create=False).decrypt(bytes(token)))
    except InvalidToken:
        raise CredentialsError(
            f"credentials: the stored credentials do not open with {_key_file()}; "
            "was the key replaced? Add the account's credentials again"
        ) from None
