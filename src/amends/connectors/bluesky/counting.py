"""How Bluesky counts a post, and where its links are. Pure functions: no network.

A post's text may hold at most 300 graphemes *and* at most 3,000 UTF-8 bytes (the lexicon of
``app.bsky.feed.post``: ``maxGraphemes`` and ``maxLength``). A grapheme is what a reader sees as
one character: an emoji made of several code points joined by ZWJ, a letter with combining
accents, a flag. Links are clickable only through facets, which point into the text by UTF-8
byte offsets, never by character positions.
"""

from __future__ import annotations

import regex

from amends.connectors.base import Measure

GRAPHEMES = 300
BYTES = 3000

_GRAPHEME = regex.compile(r"\X")
# An https or http URL up to the next space; the trailing punctuation of a sentence is trimmed
# below, as Bluesky's own apps do.
_URL = regex.compile(r"(?<![\w/.:])https?://[^\s<>\"]+", regex.IGNORECASE)
_TRAILING = ".,;:!?'\""


def graphemes(text: str) -> int:
    """The number of extended grapheme clusters (Unicode UAX #29), as Bluesky counts."""
    return len(_GRAPHEME.findall(text))


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def measure(text: str, *, limit: int = GRAPHEMES, byte_limit: int = BYTES) -> Measure:
    """Both of Bluesky's rules; the text fits only when it keeps both."""
    return Measure(((graphemes(text), limit, "graphemes"), (utf8_bytes(text), byte_limit, "bytes")))


def links(text: str) -> list[tuple[int, int, str]]:
    """The URLs in ``text`` as (start, end, url), with start and end as UTF-8 byte offsets."""
    found = []
    for match in _URL.finditer(text):
        url = match.group()
        while url and url[-1] in _TRAILING:
            url = url[:-1]
        if url.endswith(")") and "(" not in url:
            url = url[:-1]
        if "://" not in url or url.endswith("://"):
            continue
        start = utf8_bytes(text[: match.start()])
        found.append((start, start + utf8_bytes(url), url))
    return found


def link_facets(text: str) -> list[dict]:
    """``app.bsky.richtext.facet`` records that make each URL in ``text`` a link."""
    return [
        {
            "index": {"byteStart": start, "byteEnd": end},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": url}],
        }
        for start, end, url in links(text)
    ]
