"""Follow a published log from its site alone: its signed checkpoint, its key history and its
hash tiles (C2SP tlog-tiles). Nothing at the force is needed, no account, no Amends running
there: a complaints body, a PCC office or another force can run it.

Each run checks that the checkpoint is signed by a key the log has published (the keys seen on
the first run stay pinned), then rebuilds from the tiles both the root of the tree it saw last
time and the root of the tree now, the second from the same nodes as the first: both matching
means the log only grew. What it saw is kept in ``AMENDS_HOME/monitor/`` for next time.

- a smaller tree than last time: a **rollback** (entries the monitor saw are gone);
- the old root not rebuilt from today's tiles: a **fork** (the log was rewritten);
- a key seen before missing from the key history, or a checkpoint no published key signed:
  the log's keys were changed behind its history.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from amends import __version__
from amends.record import merkle, tiles
from amends.record.note import CheckpointBody, NoteError, Verifier, open_note

LIMIT = 1 << 20  # no file the monitor reads is larger: a tile is 8 KB, a checkpoint a few lines
Fetch = Callable[[str], bytes]


class Broken(Exception):
    """The log is not what it was: a fork, a rollback, a bad signature or bad tiles."""


def client(timeout: float = 20.0) -> httpx.Client:
    return httpx.Client(
        timeout=timeout,
        follow_redirects=False,
        headers={"User-Agent": f"Amends-monitor/{__version__}"},
    )


def fetcher(client: httpx.Client) -> Fetch:
    def fetch(url: str) -> bytes:
        with client.stream("GET", url) as answer:
            if answer.status_code != 200:
                raise Broken(f"{url} answered {answer.status_code}")
            body = b""
            for chunk in answer.iter_bytes():
                body += chunk
                if len(body) > LIMIT:
                    raise Broken(f"{url} is larger than {LIMIT:,} bytes")
            return body

    return fetch


def base_of(url: str) -> str:
    url = url.strip()
    if not url.startswith(("https://", "http://")):
        raise ValueError("url: must start with https:// (or http:// on a private network)")
    url = url.rstrip("/")
    return url + "/" if url.endswith("/.well-known/amends") else url + "/.well-known/amends/"


class TileReader:
    """Node hashes of the tree of ``size`` from its tiles, each tile fetched once."""

    def __init__(self, base: str, size: int, fetch: Fetch):
        self.base, self.size, self.fetch = base, size, fetch
        self.tiles: dict[tuple[int, int], bytes] = {}
        self.nodes: dict[merkle.Node, bytes] = {}

    def read(self, level: int, index: int) -> bytes:
        """One tile of the tree, fetched (not kept)."""
        width = min(tiles.WIDTH, (self.size >> (tiles.HEIGHT * level)) - index * tiles.WIDTH)
        data = self.fetch(self.base + tiles.path(level, index, width))
        if len(data) != 32 * width:
            raise Broken(f"tile {tiles.path(level, index, width)} has {len(data)} bytes")
        return data

    def _tile(self, level: int, index: int) -> bytes:
        if (level, index) not in self.tiles:
            self.tiles[level, index] = self.read(level, index)
        return self.tiles[level, index]

    def node(self, height: int, position: int) -> bytes:
        """The hash of the perfect subtree of ``2**height`` leaves at ``position``."""
        if (height, position) in self.nodes:
            return self.nodes[height, position]
        level, rest = divmod(height, tiles.HEIGHT)
        if rest == 0:
            index, at = divmod(position, tiles.WIDTH)
            found = self._tile(level, index)[32 * at : 32 * at + 32]
        else:
            left = self.node(height - 1, 2 * position)
            right = self.node(height - 1, 2 * position + 1)
            found = merkle.node_hash(left, right)
        self.nodes[height, position] = found
        return found

    def range(self, a: int, b: int, cut: int = 0) -> bytes:
        """RFC 6962's hash of leaves ``a`` to ``b``. A perfect subtree is read as one node,
        unless ``cut`` falls inside it: then it is built from the nodes on either side of the
        cut, so that a root computed with a cut at the old size rests on the very nodes that
        gave the old root (as an RFC 9162 consistency proof does)."""
        width = b - a
        perfect = width & (width - 1) == 0 and a % width == 0
        if perfect and not a < cut < b:
            return self.node(width.bit_length() - 1, a // width)
        k = merkle.split(width)
        left, right = self.range(a, a + k, cut), self.range(a + k, b, cut)
        return merkle.node_hash(left, right)

    def root(self, n: int, cut: int = 0) -> bytes:
        return merkle.EMPTY_ROOT if n == 0 else self.range(0, n, cut)


def audit(reader: TileReader, since: int, size: int) -> None:
    """Every tile the tree grew by since ``since`` agrees with the tiles below it: each hash at
    level L is the root of the 256 hashes under it at level L - 1. So a client that reads a
    higher tile to check a proof reads what the leaves say. The first run audits the whole
    tree; later runs only what is new."""
    for level, index, width in tiles.changed(size, since):
        if level == 0:
            continue
        height = tiles.HEIGHT * level
        for position in range(index * tiles.WIDTH, index * tiles.WIDTH + width):
            # A hash at this level stands for one full tile of the level below.
            data = reader.read(level - 1, position)
            below = [data[i : i + 32] for i in range(0, len(data), 32)]
            if merkle.root(below) != reader.node(height, position):
                raise Broken(
                    f"tile {tiles.path(level, index, width)}: hash {position - index * 256} is "
                    "not the root of the hashes below it"
                )


@dataclass
class Result:
    origin: str
    size: int
    previous_size: int | None
    consistent: bool
    error: str | None
    # The log has shown the same checkpoint (not even a new cosignature) for longer than
    # AMENDS_MONITOR_STALE_HOURS, since ``since``: consistent, but not being kept up.
    stale: bool = False
    since: str | None = None

    def as_json(self) -> dict:
        return {
            "origin": self.origin,
            "size": self.size,
            "previous_size": self.previous_size,
            "consistent": self.consistent,
            "error": self.error,
            "stale": self.stale,
            "since": self.since,
        }


def _state_file(folder: Path, base: str) -> Path:
    return folder / f"{hashlib.sha256(base.encode()).hexdigest()[:20]}.json"


def _save(path: Path, state: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as out:
        json.dump(state, out, indent=2, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    os.replace(out.name, path)


def followed(folder: Path) -> list[dict]:
    """What was last seen of every log followed from this install, by origin."""
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            state = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        seen = {k: state.get(k) for k in ("url", "origin", "size", "checked")}
        try:
            seen["checked"] = datetime.fromisoformat(str(seen["checked"]))
        except ValueError:
            seen["checked"] = None
        found.append(seen)
    return sorted(found, key=lambda s: str(s["origin"]))


def follow(
    url: str, folder: Path, fetch: Fetch | None = None, *, stale_hours: float = 48
) -> Result:
    """Check the log at ``url`` against what was seen there before, and keep what is seen now
    (only when it is consistent). A log whose checkpoint has not changed for ``stale_hours``
    is reported stale."""
    if fetch is None:
        with client() as connection:
            return follow(url, folder, fetcher(connection), stale_hours=stale_hours)
    base = base_of(url)
    path = _state_file(folder, base)
    before = json.loads(path.read_text()) if path.exists() else None
    origin, size = before["origin"] if before else "", before["size"] if before else 0
    try:
        note = fetch(base + "checkpoint").decode("utf-8")
        history = json.loads(fetch(base + "keys.json"))["keys"]
        published = [k["key"] for k in history]
        pinned = before["keys"] if before else published
        missing = [k for k in pinned if k not in published]
        if missing:
            raise Broken(f"the key history no longer lists {missing[0]}, which signed before")
        verifiers = [Verifier.parse(k) for k in dict.fromkeys([*pinned, *published])]
        body = CheckpointBody.parse(open_note(note, verifiers).text)
        if before and body.origin != before["origin"]:
            raise Broken(f"the log's origin changed from {before['origin']} to {body.origin}")
        origin, size = body.origin, body.size
        if before and body.size < before["size"]:
            raise Broken(
                f"rollback: the log now has {body.size:,} entries, but {before['size']:,} were "
                f"seen on {before['checked']}"
            )
        reader = TileReader(base, body.size, fetch)
        old = before["size"] if before else 0
        if before and old and reader.root(old).hex() != before["root"]:
            raise Broken(
                f"fork: the first {old:,} entries are not the ones seen on {before['checked']}; "
                "the log was rewritten"
            )
        if reader.root(body.size, cut=old) != body.root:
            raise Broken("the log's tiles do not give the root its checkpoint signs")
        audit(reader, old, body.size)
    except (Broken, NoteError, ValueError, KeyError, httpx.HTTPError) as error:
        previous = before["size"] if before else None
        return Result(origin, size, previous, False, str(error) or type(error).__name__)
    now = datetime.now(UTC)
    since = now.isoformat()
    if before is not None and before.get("note") == note:
        since = str(before.get("since") or before["checked"])
    age = now - datetime.fromisoformat(since)
    stale = age > timedelta(hours=stale_hours)
    _save(
        path,
        {
            "url": base,
            "origin": body.origin,
            "size": body.size,
            "root": body.root.hex(),
            "note": note,
            "keys": list(dict.fromkeys([*pinned, *published])),
            "checked": now.isoformat(timespec="seconds"),
            "since": since,
        },
    )
    said = (
        f"stale: the log has shown the same checkpoint of {body.size:,} entries, with no new "
        f"cosignature, since {since[:16].replace('T', ' ')} UTC ({age.days} days "
        f"{age.seconds // 3600} hours)"
        if stale
        else None
    )
    previous = before["size"] if before else None
    return Result(body.origin, body.size, previous, True, said, stale, since)
