"""The platforms' own archives of an account, read as streams: what each reader yields, and what
the readers share. Each platform's reader is ``connectors/<platform>/archive.py``; all are pure
(a file in, items out), hold only what one post needs in memory, and raise :class:`ArchiveError`
with one line for an archive they cannot read.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import ijson

CHUNK = 1 << 20


class ArchiveError(ValueError):
    """The archive cannot be read; the message says what is wrong with it, in one line."""


@dataclass(frozen=True)
class Item:
    """One post of the archive. ``id`` is the platform's own id, as Amends keeps it for a post
    it can act on (None where the archive gives none: Facebook's); ``path`` says where in the
    archive it is; ``versions`` are its wordings, oldest first (more than one where the
    platform kept its edits), the last is the post as it stands."""

    path: str
    versions: tuple[str, ...]
    id: str | None = None
    url: str = ""
    created_at: datetime | None = None
    version_ids: tuple[str, ...] = ()  # the platform's id of each version (X keeps them)
    deleted_at: datetime | None = None  # deleted on the platform (X's deleted-tweets.js)

    @property
    def text(self) -> str:
        return self.versions[-1]

    @property
    def ident(self) -> str:
        """What makes the post the same post in another archive of the same account."""
        if self.id is not None:
            return self.id
        when = self.created_at.isoformat() if self.created_at else ""
        digest = hashlib.sha256(self.versions[0].encode()).hexdigest()[:24]
        return f"{when}#{digest}"


@dataclass(frozen=True)
class Skipped:
    """An entry of the archive that is not a post of the account's own, or is unreadable."""

    path: str
    why: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def open_zip(path: Path, what: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
        archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ArchiveError(f"{path.name} is not {what} (not a whole zip file: {error})") from None
    return archive


def read_member(archive: zipfile.ZipFile, name: str) -> IO[bytes]:
    try:
        return archive.open(name)
    except (zipfile.BadZipFile, OSError, EOFError, KeyError) as error:
        raise ArchiveError(f"{name} in the archive cannot be read: {error}") from None


class AfterEquals(io.RawIOBase):
    """A stream of the JSON after the ``window.YTD.tweets.part0 = `` that X's archive files
    start with, so that a streaming JSON parser can read them."""

    def __init__(self, raw: IO[bytes], name: str):
        self.raw, self.name, self.pending = raw, name, b""
        self.started = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self.started:
            head = self.raw.read(256)
            at = head.find(b"=")
            if not head.startswith(b"window.YTD.") or at < 0:
                raise ArchiveError(f"{self.name} does not start with window.YTD.… = as X writes it")
            self.started, self.pending = True, head[at + 1 :]
        chunk = self.pending or self.raw.read(len(buffer))
        taken, self.pending = chunk[: len(buffer)], chunk[len(buffer) :]
        buffer[: len(taken)] = taken
        return len(taken)


def json_items(stream: IO[bytes] | io.RawIOBase, prefix: str, name: str) -> Iterator[object]:
    """The items under ``prefix`` of a JSON document, one at a time (ijson)."""
    try:
        yield from ijson.items(stream, prefix, use_float=True)
    except ijson.JSONError as error:
        said = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ArchiveError(f"{name} is not whole JSON: {said}") from None
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        raise ArchiveError(f"{name} in the archive cannot be read: {error}") from None


def unmojibake(text: str) -> str:
    """Facebook's "Download your information" JSON writes UTF-8 bytes as if each were a Latin-1
    character ("cafÃ©" for "café"); undone where that is what happened, else left alone."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def moment(value: object, *, formats: tuple[str, ...] = ()) -> datetime | None:
    """A time as archives write it: RFC 3339, a Unix timestamp, or one of ``formats``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value:
        return None
    for form in formats:
        try:
            return datetime.strptime(value, form).astimezone(UTC)
        except ValueError:
            continue
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)
