"""The newest checkpoint the force has let out of its hands — served on the public site or
given in an evidence pack — kept outside the database, in ``AMENDS_PUBLISHED_FILE``.

Anyone may hold proof of every entry up to that checkpoint. A database restored from a backup
older than it, or rewritten, has lost or changed entries the public can prove existed: a
rollback. :func:`rollback` says so, and ``amends verify``, ``amends serve`` and
``amends worker`` refuse to go on. The file only ever grows: a smaller checkpoint never
replaces a larger one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from django.conf import settings

from amends.record import log
from amends.record.models import Checkpoint


def _path() -> Path:
    return Path(settings.PUBLISHED_FILE)


def newest() -> dict | None:
    """``{"size", "root", "at", "where"}`` of the newest checkpoint published, or None."""
    try:
        found = json.loads(_path().read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise log.RecordCorrupt(f"{_path()}: cannot be read ({error})") from None
    return found if isinstance(found, dict) and isinstance(found.get("size"), int) else None


def mark(checkpoint: Checkpoint, where: str) -> None:
    """Note that ``checkpoint`` was let out (``where``: "the public site", "an evidence
    pack"), unless a larger one already was."""
    held = newest()
    if held is not None and held["size"] >= checkpoint.size:
        return
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "size": checkpoint.size,
        "root": bytes(checkpoint.root).hex(),
        "at": checkpoint.created_at.isoformat(),
        "where": where,
    }
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as out:
        json.dump(body, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(out.name, path)


def rollback() -> str | None:
    """What is wrong if the record is behind or unlike the newest checkpoint published;
    None when it holds all of it."""
    held = newest()
    if held is None:
        return None
    size, found = held["size"], log.size()
    said = f"a checkpoint of {size:,} entries was published ({held['where']}, {held['at']})"
    if found < size:
        return (
            f"the record holds {found:,} entries, but {said}: this is a rollback (an older "
            "backup restored?) and entries the public can prove are gone; restore a backup "
            "made after it"
        )
    if log.tree_root(size).hex() != held["root"]:
        return f"the record's first {size:,} entries differ from what {said} says: it was rewritten"
    return None
