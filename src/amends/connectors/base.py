"""The contract every platform connector keeps, and the one error type at the boundary.

A connector is a small class in ``connectors/<platform>/connector.py``. It knows one platform:
how to publish, edit, reply, delete and read a post there, how that platform counts characters,
and which of its errors are permanent. It knows nothing about the desk, the record or the
outbox: the worker (:mod:`amends.delivery.worker`) calls it and stores what happened.

All HTTP goes through :mod:`amends.connectors.http`, so that every exchange can be timed and
summarised for the delivery's attempt row, and so that tests see one seam.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

from amends.connectors.errors import PlatformError
from amends.connectors.http import Seam

__all__ = ["Capabilities", "Connector", "Field", "Measure", "PlatformError", "Proof", "Remote"]


@dataclass(frozen=True)
class Capabilities:
    """What a platform allows. The correction strategy is chosen from these alone."""

    edit: bool  # a post can be edited in place
    markup: bool = False  # the platform shows <del>/<ins> (HTML); otherwise plain words
    edit_window: timedelta | None = None  # edits only this long after publishing
    max_edits: int | None = None  # at most this many edits of one post
    quote: bool = False  # a post can quote another
    list_replies: bool = False  # replies to a post can be read back
    limit: int | None = None  # the default length limit (see Connector.measure)
    unit: str = "characters"  # what the limit counts, in words for people
    # What a person does in the platform's own app because its API cannot (delivery ops:
    # publish, edit, thread, quote, delete, notice); see Connector.by_hand.
    by_hand: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Remote:
    """A post as it stands on its platform.

    ``id`` is the platform's own identifier (a status id, an at:// URI, a WordPress post id);
    ``text`` is the wording the platform holds now (None when it was not read); ``extra`` holds
    what the platform needs to refer to the post later (Bluesky's cid, for example).
    """

    id: str
    url: str = ""
    text: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Seen:
    """Something the public did about a post on its platform: a reply, a quote, a repost, or a
    mention of the account beside a link to it. ``post`` is the :class:`Remote` id it is
    about; ``id`` the platform's own id of what was done, ``url`` a link to it."""

    post: str
    kind: str  # reply, quote, repost, mention
    id: str
    url: str
    at: datetime
    author: str = ""
    text: str = ""


@dataclass(frozen=True)
class Gathered:
    """What one look at a platform found, where to look from next time, and what it cost
    (the platform's own unit: X bills each post read)."""

    seen: list[Seen]
    cursor: str | None = None
    reads: int = 0


@dataclass(frozen=True)
class Proof:
    """A post as its platform signed it, checkable by anyone without trusting the force or
    Amends: the signed bytes (``format`` names them) and what they were checked to say."""

    data: bytes
    format: str  # a media type: application/vnd.ipld.car for a Bluesky record proof
    facts: dict  # what was checked: the signer's key, the record's address and hash...


@dataclass(frozen=True)
class Measure:
    """The length of a text as one platform counts it, against that platform's limits."""

    counts: tuple[tuple[int, int | None, str], ...]  # (count, limit, unit) per rule
    # Something the platform refuses whatever the length (a character it calls invalid).
    problem: str = ""

    @property
    def fits(self) -> bool:
        within = all(limit is None or count <= limit for count, limit, _ in self.counts)
        return within and not self.problem

    def __str__(self) -> str:
        parts = []
        for count, limit, unit in self.counts:
            parts.append(f"{count:,} {unit}" if limit is None else f"{count:,} of {limit:,} {unit}")
        if self.problem:
            parts.append(self.problem)
        return ", ".join(parts)


@dataclass(frozen=True)
class Field:
    """A setting an account on this platform needs, for `amends account add`."""

    name: str  # server, user, password, token, page
    help: str
    secret: bool = False  # stored encrypted, read from a file, never shown
    required: bool = True
    label: str = ""  # what the desk's form calls it, when not the name capitalised

    @property
    def shown(self) -> str:
        return self.label or self.name.capitalize()


class Connector:
    """Subclasses set the class attributes and implement the methods.

    ``settings`` are the account's non-secret settings (server URL, the instance's limit, a page
    id); ``secrets`` its decrypted credentials. Both are plain dicts; the connector never stores
    them anywhere else. Every method that talks to the platform raises :class:`PlatformError`.
    """

    name: ClassVar[str]
    label: ClassVar[str]
    capabilities: ClassVar[Capabilities]
    fields: ClassVar[tuple[Field, ...]] = ()
    # The site Amends serves itself is delivered by rendering pages, not through the outbox.
    local: ClassVar[bool] = False

    def __init__(self, handle: str, settings: dict, secrets: dict, *, seam: Seam | None = None):
        self.handle, self.settings, self.secrets = handle, settings, secrets
        self.seam = seam or Seam(self.name)

    def __repr__(self) -> str:  # never show credentials
        return f"<{type(self).__name__} {self.name}:{self.handle}>"

    # Counting: pure, no network.

    def measure(self, text: str) -> Measure:
        limit = self.settings.get("limit", self.capabilities.limit)
        return Measure(((len(text), limit, self.capabilities.unit),))

    def comparable(self, text: str) -> str:
        """The wording of ``text`` with the platform's own formatting taken away, so that what
        Amends sent and what the platform shows later can be compared (tags, entities and runs
        of whitespace do not count as a change)."""
        without_tags = re.sub(r"<[^>]*>", " ", text)
        return " ".join(html.unescape(without_tags).split())

    # The platform.

    def check(self) -> dict:
        """Prove the credentials work. Return settings learnt from the platform (its length
        limit, the account's own id...), merged into the account's settings."""
        raise NotImplementedError

    def publish(self, text: str, *, key: str) -> Remote:
        """Publish a new top-level post. ``key`` is unique per delivery; platforms that accept
        an idempotency key or a client-chosen id get it, so that a retry cannot post twice."""
        raise NotImplementedError

    def reply(self, parent: Remote, text: str, *, key: str) -> Remote:
        """Publish ``text`` as a reply to ``parent``, in its thread."""
        raise NotImplementedError

    def quote(self, quoted: Remote, text: str, *, key: str) -> Remote:
        """Publish ``text`` as a new post quoting ``quoted``. Only called when
        capabilities.quote is true."""
        raise NotImplementedError

    def edit(self, remote: Remote, text: str, *, key: str) -> Remote:
        """Replace the wording of ``remote``. Only called when capabilities.edit is true."""
        raise NotImplementedError

    def delete(self, remote: Remote) -> None:
        """Remove ``remote`` from the platform. A post that is already gone is not an error."""
        raise NotImplementedError

    def fetch(self, remote: Remote) -> Remote | None:
        """The post as it stands now, with its text; None when it no longer exists."""
        raise NotImplementedError

    # Adopting a post made outside Amends, from its link.
    adopts: ClassVar[bool] = False
    # Whether Amends can read posts on the platform at all (fetch, find, the watch); where it
    # cannot, a person pastes an adopted post's words and confirms each step done by hand.
    reads: ClassVar[bool] = True

    def locate(self, url: str) -> Remote | None:
        """The post ``url`` links to, named as :meth:`fetch` takes it, when the link is to a
        post of this account; None when it is not. May ask the platform (a slug, a handle)."""
        return None

    def prove(self, remote: Remote) -> Proof | None:
        """The post ``remote`` (as just fetched) as its platform signed it, checked against the
        signer's key and against the wording read; None where the platform signs nothing.
        Raises PlatformError when the platform's proof does not check."""
        return None

    def by_hand(self, op: str, text: str, remote: Remote | None) -> str:
        """What a person does in the platform's own app for ``op`` (one of
        ``capabilities.by_hand``), in plain words: the text they paste is shown beside it."""
        where = f" ({remote.url})" if remote is not None and remote.url else ""
        return {
            "publish": f"Publish it on {self.label} from its app, word for word.",
            "notice": f"Publish this notice on {self.label} from its app, word for word.",
            "edit": f"Open the post on {self.label}{where}, edit it and replace its words with "
            "these, exactly.",
            "thread": f"Open the post on {self.label}{where} and reply to it with these words.",
            "quote": f"Share the post on {self.label}{where} with these words.",
            "delete": f"Open the post on {self.label}{where} and delete it.",
        }[op]

    def find(self, key: str, text: str) -> Remote | None:
        """After a crash between sending and recording: the post that the delivery with this
        ``key`` (and this ``text``) made, if the platform has it; None if it was never made."""
        raise NotImplementedError

    def replies(self, remote: Remote) -> list[Remote]:
        """Replies to ``remote``, where capabilities.list_replies says the platform allows it."""
        return []

    # Gathering what the public does about a post (amends.copies.gathering): replies, quotes,
    # reposts. Where a platform gives none of it, nothing is gathered.
    gathers: ClassVar[bool] = False

    def engagement(self, watched: list[Remote], cursor: str | None) -> Gathered:
        """Replies, quotes and reposts of the ``watched`` posts since ``cursor`` (what the last
        look returned; None the first time), within the platform's rate limits."""
        return Gathered([], cursor)
