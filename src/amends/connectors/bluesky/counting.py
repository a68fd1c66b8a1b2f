"""How Bluesky counts a post. Pure functions: no network.

A post's text may hold at most 300 graphemes *and* at most 3,000 UTF-8 bytes (the lexicon of
``app.bsky.feed.post``: ``maxGraphemes`` and ``maxLength``). A grapheme is what a reader sees as
one character: an emoji made of several code points joined by ZWJ, a letter with combining
accents, a flag. Where the text's links, mentions and hashtags are: :mod:`richtext`.
"""

from __future__ import annotations

import regex

from amends.connectors.base import Measure

GRAPHEMES = 300
BYTES = 3000

_GRAPHEME = regex.compile(r"\X")


def graphemes(text: str) -> int:
    """The number of extended grapheme clusters (Unicode UAX #29), as Bluesky counts."""
    return len(_GRAPHEME.findall(text))


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def measure(text: str, *, limit: int = GRAPHEMES, byte_limit: int = BYTES) -> Measure:
    """Both of Bluesky's rules; the text fits only when it keeps both."""
    return Measure(((graphemes(text), limit, "graphemes"), (utf8_bytes(text), byte_limit, "bytes")))
