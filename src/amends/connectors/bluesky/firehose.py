"""Quotes, replies, reposts and mentions of the force's Bluesky posts, read from the AT Protocol
event stream (``com.atproto.sync.subscribeRepos``): every commit to every repository the
server carries, as CBOR frames with the new records in a CAR.

A look connects from the last sequence number read (the cursor), reads until the stream has
been quiet for a second (caught up) or :data:`MOST` events or :data:`SECONDS` have gone by, and
keeps what touches a watched post: a post whose ``reply`` names it (a reply), whose embedded
record is it (a quote, with or without media), or that mentions the account beside it; a
repost whose subject is it. The stream is the account's own server unless the account's
``firehose`` setting names another (a relay carries the whole network: a server hosts only
its own accounts, so a force on a shared server points this at a relay). Without a cursor the
first look starts from the server's oldest kept event when it is the account's own server (a
few days of a small server), and from now on a relay.

The address is checked like every connector's (no private address unless
``AMENDS_ALLOW_PRIVATE_ADDRESSES``) before the connection is made.
"""

import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

from amends.connectors.base import Gathered, Remote, Seen
from amends.connectors.errors import PlatformError

MOST = 20_000  # events in one look
SECONDS = 20.0  # one look's longest read
QUIET = 1.0  # no event for this long: caught up
POST, REPOST = "app.bsky.feed.post", "app.bsky.feed.repost"


def stream_url(server: str, cursor: str | None) -> str:
    parts = urlsplit(server.rstrip("/"))
    scheme = "wss" if parts.scheme == "https" else "ws"
    query = f"?cursor={int(cursor)}" if cursor is not None else ""
    return f"{scheme}://{parts.netloc}{parts.path}/xrpc/com.atproto.sync.subscribeRepos{query}"


def _checked(url: str) -> None:
    from amends.connectors import addresses, guard

    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "wss" else 80)
    try:
        addresses.resolve(parts.hostname or "", port, private=guard.private_allowed())
    except addresses.NotPublic as error:
        raise PlatformError(f"bluesky: {error}", permanent=True) from None
    except OSError as error:
        raise PlatformError(f"bluesky: cannot resolve {parts.hostname}: {error}") from None


def _web_url(did: str, rkey: str) -> str:
    return f"https://bsky.app/profile/{did}/post/{rkey}"


def _when(record: dict, fallback: datetime) -> datetime:
    try:
        found = datetime.fromisoformat(str(record.get("createdAt", "")).replace("Z", "+00:00"))
    except ValueError:
        return fallback
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _quoted(record: dict) -> str | None:
    embed = record.get("embed") or {}
    kind = embed.get("$type", "")
    if kind == "app.bsky.embed.record":
        return (embed.get("record") or {}).get("uri")
    if kind == "app.bsky.embed.recordWithMedia":
        return ((embed.get("record") or {}).get("record") or {}).get("uri")
    return None


def _mentions(record: dict, did: str) -> bool:
    for facet in record.get("facets") or []:
        for feature in facet.get("features") or []:
            if (
                feature.get("$type") == "app.bsky.richtext.facet#mention"
                and feature.get("did") == did
            ):
                return True
    return False


def read_one(record: dict, *, collection: str, repo: str, rkey: str, watched: dict, own: str):
    """What a new record does to a watched post, or None. ``watched`` maps at:// URIs to the
    Remote ids they are kept under; ``own`` is the account's DID."""
    at = _when(record, datetime.now(UTC))
    url = _web_url(repo, rkey)
    uri = f"at://{repo}/{collection}/{rkey}"
    if collection == REPOST:
        subject = (record.get("subject") or {}).get("uri")
        if subject in watched:
            return Seen(watched[subject], "repost", uri, url, at, author=repo)
        return None
    if collection != POST or repo == own:
        return None
    text = str(record.get("text", ""))
    quoted = _quoted(record)
    if quoted in watched:
        return Seen(watched[quoted], "quote", uri, url, at, author=repo, text=text)
    reply = record.get("reply") or {}
    for part in ("parent", "root"):
        target = (reply.get(part) or {}).get("uri")
        if target in watched:
            return Seen(watched[target], "reply", uri, url, at, author=repo, text=text)
    if _mentions(record, own) and len(watched) == 1:
        # Naming the account, about the one post being watched: a mention of it.
        return Seen(next(iter(watched.values())), "mention", uri, url, at, author=repo, text=text)
    return None


def engagement(server: str, own: str, watched: list[Remote], cursor: str | None) -> Gathered:
    """One look at the stream of ``server`` for what touches ``watched`` (at:// URIs)."""
    from atproto import CAR, models, parse_subscribe_repos_message
    from atproto_subscription.frames import Frame
    from websockets.exceptions import WebSocketException
    from websockets.sync.client import connect

    by_uri = {r.id: r.id for r in watched}
    url = stream_url(server, cursor)
    _checked(url)
    seen: list[Seen] = []
    events, started, last = 0, time.monotonic(), cursor
    try:
        with connect(url, open_timeout=10, max_size=8 * 1024 * 1024, proxy=None) as stream:
            while events < MOST and time.monotonic() - started < SECONDS:
                try:
                    data = stream.recv(timeout=QUIET)
                except TimeoutError:
                    break  # caught up
                events += 1
                frame = Frame.from_bytes(data)
                if not frame.is_message:
                    raise PlatformError(f"bluesky: the event stream refused: {frame.body}")
                message = parse_subscribe_repos_message(frame)
                if not isinstance(message, models.ComAtprotoSyncSubscribeRepos.Commit):
                    last = str(getattr(message, "seq", last) or last)
                    continue
                last = str(message.seq)
                blocks = CAR.from_bytes(message.blocks).blocks if message.blocks else {}
                for op in message.ops:
                    if op.action != "create" or op.cid is None:
                        continue
                    collection, _, rkey = op.path.partition("/")
                    record = blocks.get(op.cid)
                    if not isinstance(record, dict):
                        continue
                    found = read_one(
                        record,
                        collection=collection,
                        repo=message.repo,
                        rkey=rkey,
                        watched=by_uri,
                        own=own,
                    )
                    if found is not None:
                        seen.append(found)
    except (OSError, WebSocketException) as error:
        raise PlatformError(f"bluesky: the event stream could not be read: {error}") from None
    return Gathered(seen, last, reads=events)
