"""Mastodon's own export of an account (Preferences → Import and export → Request your
archive): a zip holding ``outbox.json``, an ActivityStreams ``OrderedCollection`` whose
``orderedItems`` are the account's activities. A ``Create`` of a ``Note`` is a status it wrote
(``object.id`` ends in the status id, ``object.content`` is its HTML); an ``Announce`` is a boost
of someone else's. The bare ``outbox.json`` is read too.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

from amends.connectors.archives import (
    ArchiveError,
    Item,
    Skipped,
    json_items,
    moment,
    open_zip,
    read_member,
)
from amends.connectors.mastodon.connector import plain_text

OUTBOX = "outbox.json"


def read(path: Path, **_) -> Iterator[Item | Skipped]:
    if zipfile.is_zipfile(path):
        archive = open_zip(path, "a Mastodon archive")
        if OUTBOX not in archive.namelist():
            raise ArchiveError(f"{path.name} is not a Mastodon archive: it has no {OUTBOX}")
        stream = read_member(archive, OUTBOX)
    else:
        stream = path.open("rb")
    with stream:
        head = stream.read(1)
        if head.strip() not in (b"{", b""):
            raise ArchiveError(f"{path.name} is neither a Mastodon archive nor its {OUTBOX}")
        stream.seek(0)
        seen = False
        for n, activity in enumerate(json_items(stream, "orderedItems.item", OUTBOX)):
            seen = True
            yield _item(f"{OUTBOX}#{n}", activity)
        if not seen:
            stream.seek(0)
            kinds = list(json_items(stream, "type", OUTBOX))
            if kinds != ["OrderedCollection"]:
                raise ArchiveError(f"{OUTBOX} is not an outbox (an OrderedCollection)")


def _item(where: str, activity: object) -> Item | Skipped:
    if not isinstance(activity, dict):
        return Skipped(where, "not an activity")
    if activity.get("type") == "Announce":
        return Skipped(where, "a boost of someone else's post")
    note = activity.get("object")
    if activity.get("type") != "Create" or not isinstance(note, dict):
        return Skipped(where, f"a {activity.get('type')} activity, not a post")
    ident, content = note.get("id"), note.get("content")
    if not isinstance(ident, str) or not isinstance(content, str):
        return Skipped(where, "a post without an id or words")
    status = ident.rstrip("/").rsplit("/", 1)[-1]
    if not status.isdigit():
        return Skipped(where, "a post whose id is not a status id")
    url = note["url"] if isinstance(note.get("url"), str) else ident
    return Item(
        path=where,
        versions=(plain_text(content),),
        id=status,
        url=url,
        created_at=moment(note.get("published") or activity.get("published")),
    )
