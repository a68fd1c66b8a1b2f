"""X's own archive of an account ("Download an archive of your data"): a zip whose ``data/``
folder holds JavaScript files, each ``window.YTD.<name>.partN = [ … ]``.

- ``data/tweets.js`` (``tweet.js`` in older archives; ``tweets-part1.js``… when large): one
  ``{"tweet": {…}}`` per Post, ``full_text`` HTML-escaped and cut for long Posts, ``created_at``
  as ``Wed Oct 10 20:19:24 +0000 2018``. An edited Post is there once per version, tied by
  ``edit_info``: the first version's ``initial.editTweetIds`` lists every version's id.
- ``data/note-tweet.js``: the whole wording of long Posts (``noteTweet.core.text``), tied to
  their Post only by the time it was made.
- ``data/deleted-tweets.js``: Posts deleted on X, with ``deleted_at``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

from amends.connectors.archives import (
    AfterEquals,
    ArchiveError,
    Item,
    Skipped,
    json_items,
    moment,
    open_zip,
    read_member,
)

X_TIME = ("%a %b %d %H:%M:%S %z %Y",)
_PART = re.compile(r"data/(tweets?|deleted-tweets)(-part\d+)?\.js")
_CUT = re.compile(r"(…|\.\.\.)?\s*https://t\.co/\w+\s*$")


def read(path: Path, **_) -> Iterator[Item | Skipped]:
    archive = open_zip(path, "an X archive")
    names = archive.namelist()
    parts = sorted(n for n in names if _PART.fullmatch(n))
    if not [n for n in parts if "deleted" not in n]:
        raise ArchiveError(f"{path.name} is not an X archive: it has no data/tweets.js")
    notes = _notes(archive) if "data/note-tweet.js" in names else {}
    chains: dict[str, dict[str, tuple[str, dict]]] = {}  # first version's id -> versions
    for name in parts:
        deleted = "deleted" in name
        stream = AfterEquals(read_member(archive, name), name)
        for n, wrapper in enumerate(json_items(stream, "item", name)):
            where = f"{name}#{n}"
            tweet = wrapper.get("tweet") if isinstance(wrapper, dict) else None
            if not isinstance(tweet, dict) or not isinstance(tweet.get("id_str"), str):
                yield Skipped(where, "not a Post (no tweet with an id_str)")
                continue
            text = tweet.get("full_text")
            if not isinstance(text, str):
                yield Skipped(where, "a Post without full_text")
                continue
            text = _whole(html.unescape(text), tweet, notes)
            if text.startswith("RT @"):
                yield Skipped(where, "a repost of someone else's Post")
                continue
            ids = _versions(tweet)
            if len(ids) <= 1:
                yield _item(where, [(tweet["id_str"], text, tweet)], deleted)
                continue
            chain = chains.setdefault(ids[0], {})
            chain[tweet["id_str"]] = (text, {**tweet, "_where": where, "_ids": ids})
            if all(i in chain for i in ids):
                yield _chain(chains.pop(ids[0]), deleted)
    for chain in chains.values():  # a version is missing (deleted, or cut from the archive)
        yield _chain(chain, False)


def _notes(archive) -> dict[str, list[str]]:
    """The whole wording of long Posts, by the second they were made."""
    found: dict[str, list[str]] = {}
    name = "data/note-tweet.js"
    for wrapper in json_items(AfterEquals(read_member(archive, name), name), "item", name):
        note = wrapper.get("noteTweet") if isinstance(wrapper, dict) else None
        core = note.get("core") if isinstance(note, dict) else None
        made = moment(note.get("createdAt")) if isinstance(note, dict) else None
        if isinstance(core, dict) and isinstance(core.get("text"), str) and made:
            found.setdefault(made.replace(microsecond=0).isoformat(), []).append(core["text"])
    return found


def _whole(text: str, tweet: dict, notes: dict[str, list[str]]) -> str:
    """A long Post's whole wording from note-tweet.js, where one made the same second begins
    with the cut text (without the "…" and link X puts at the cut)."""
    made = moment(tweet.get("created_at"), formats=X_TIME)
    if made is None or not notes:
        return text
    start = _CUT.sub("", text).rstrip()
    for note in notes.get(made.isoformat(), ()):
        if start and html.unescape(note).startswith(start):
            return html.unescape(note)
    return text


def _versions(tweet: dict) -> list[str]:
    info = tweet.get("edit_info") or {}
    first = info.get("initial") or (info.get("edit") or {}).get("editControlInitial") or {}
    ids = first.get("editTweetIds")
    return [str(i) for i in ids] if isinstance(ids, list) else []


def _chain(chain: dict[str, tuple[str, dict]], deleted: bool) -> Item:
    ids = next(iter(chain.values()))[1]["_ids"]
    versions = [(i, *chain[i]) for i in ids if i in chain]
    return _item(versions[-1][2]["_where"], versions, deleted)


def _item(where: str, versions: list[tuple[str, str, dict]], deleted: bool) -> Item:
    first, last = versions[0][2], versions[-1][2]
    return Item(
        path=where,
        versions=tuple(text for _, text, _ in versions),
        id=versions[-1][0],
        url=f"https://x.com/i/web/status/{versions[-1][0]}",
        created_at=moment(first.get("created_at"), formats=X_TIME),
        version_ids=tuple(i for i, _, _ in versions),
        deleted_at=moment(last.get("deleted_at"), formats=X_TIME) if deleted else None,
    )
