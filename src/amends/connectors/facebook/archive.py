"""Facebook's "Download your information" (JSON format): a zip whose posts are in
``your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_N.json`` (``posts/
your_posts_N.json`` in older exports), a list of ``{"timestamp", "data": [{"post": …}], …}``.

Its strings are mojibake: UTF-8 bytes written as if each were a Latin-1 character, undone here.
It gives no post ids: an imported Facebook post is history (for the record, and to match copies
against) and cannot be corrected through Amends until it is adopted from its link.
"""

from __future__ import annotations

import re
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
    unmojibake,
)

_POSTS = re.compile(r"(?:.*/)?(?:your_posts__check_ins__photos_and_videos|your_posts)_\d+\.json")


def read(path: Path, **_) -> Iterator[Item | Skipped]:
    if zipfile.is_zipfile(path):
        archive = open_zip(path, "a Facebook download")
        names = sorted(n for n in archive.namelist() if _POSTS.fullmatch(n))
        if not names:
            raise ArchiveError(
                f"{path.name} is not a Facebook download: it holds no your_posts file"
            )
        for name in names:
            with read_member(archive, name) as stream:
                yield from _items(stream, name)
    else:
        with path.open("rb") as stream:
            if stream.read(1).strip() != b"[":
                raise ArchiveError(f"{path.name} is not Facebook's list of your posts (JSON)")
            stream.seek(0)
            yield from _items(stream, path.name)


def _items(stream, name: str) -> Iterator[Item | Skipped]:
    for n, entry in enumerate(json_items(stream, "item", name)):
        where = f"{name}#{n}"
        data = entry.get("data") if isinstance(entry, dict) else None
        words = [
            d["post"] for d in data or () if isinstance(d, dict) and isinstance(d.get("post"), str)
        ]
        if not words:
            yield Skipped(where, "no words (a photo, a check-in or a share alone)")
            continue
        yield Item(
            path=where,
            versions=(unmojibake(words[0]),),
            created_at=moment(entry.get("timestamp")) if isinstance(entry, dict) else None,
        )
