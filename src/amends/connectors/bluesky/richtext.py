"""Where Bluesky's app would make a post's text rich: mentions, links, hashtags and cashtags, as
``app.bsky.richtext.facet`` records. Pure: no network (mentions are resolved to DIDs by the
connector, through the PDS).

The rules are those of ``RichText.detectFacets`` in Bluesky's own client library
(``@atproto/api``, ``src/rich-text/detection.ts`` and ``util.ts``), so that a post Amends
publishes reads exactly as one typed in the app: a handle such as ``@partner.bsky.social``
becomes a mention (and its owner is notified), a bare domain such as ``police.uk/appeal`` a
link. Its regular expressions are JavaScript's, run over UTF-16; they are written here with
JavaScript's meaning spelled out (its ``\\s``, its ASCII ``\\b`` and ``\\d``, case-insensitive
only over ASCII). A test runs the library itself from npm over thousands of texts and compares.

Facets point into the text by UTF-8 byte offsets.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import regex

from amends.connectors.bluesky import counting

# JavaScript's \s: its white space and line terminators (ECMA-262, WhiteSpace, LineTerminator).
_SPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
S, NOT_S = f"[{_SPACE}]", f"[^{_SPACE}]"
_WORD = "A-Za-z0-9_"
# JavaScript's \b outside unicode mode: between an ASCII word character and anything else.
_BOUNDARY = f"(?:(?<=[{_WORD}])(?![{_WORD}])|(?<![{_WORD}])(?=[{_WORD}]))"
# Zero-width and joining characters that end a hashtag.
_INVISIBLE = "\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"

MENTION = regex.compile(f"(^|{S}|\\()(@)([a-zA-Z0-9.-]+)({_BOUNDARY})", regex.V0)
# /gim: ^ at every line's start; [a-z] and "https?" whatever their case, over ASCII only.
URL = regex.compile(
    f"(^|{S}|\\()(([hH][tT][tT][pP][sS]?://{NOT_S}+)"
    f"|((?P<domain>[a-zA-Z][a-zA-Z0-9]*(\\.[a-zA-Z0-9]+)+){NOT_S}*))",
    regex.MULTILINE | regex.V0,
)
TAG = regex.compile(
    f"(^|{S})[#\uff03]((?!\ufe0f)[^{_SPACE}{_INVISIBLE}]*"
    f"[^0-9{_SPACE}\\p{{P}}{_INVISIBLE}]+[^{_SPACE}{_INVISIBLE}]*)?",
    regex.V0,
)
CASHTAG = regex.compile(
    f"(^|{S}|\\()\\$([A-Za-z][A-Za-z0-9]{{0,4}})(?={S}|\\Z|[.,;:!?)\"'\u2019])", regex.V0
)
TRAILING_PUNCTUATION = regex.compile(r"\p{P}+$")
TAG_LIMIT = 64

MENTION_TYPE = "app.bsky.richtext.facet#mention"
LINK_TYPE = "app.bsky.richtext.facet#link"
TAG_TYPE = "app.bsky.richtext.facet#tag"


@cache
def tlds() -> frozenset[str]:
    """The top-level domains ``@atproto/api`` knows (its ``tlds`` package, IANA's list)."""
    listed = (Path(__file__).parent / "tlds.txt").read_text(encoding="utf-8")
    return frozenset(line for line in listed.splitlines() if line)


def is_valid_domain(name: str) -> bool:
    """Ends in a dot and a known top-level domain, exactly as written (lower case)."""
    return any(name.endswith("." + tld) for tld in _endings(name))


def _endings(name: str):
    # Only the part after the last dot can be a top-level domain: look that one up.
    last = name.rsplit(".", 1)[-1]
    return (last,) if last in tlds() else ()


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _bytes(text: str, end: int) -> int:
    return counting.utf8_bytes(text[:end])


def detect(text: str) -> list[dict]:
    """Every facet Bluesky's app would make of ``text``, in the text's order. A mention's
    ``did`` is still the handle: the connector resolves it, and drops the mention when the
    handle does not resolve."""
    facets: list[dict] = []
    for match in MENTION.finditer(text):
        handle = match.group(3)
        if not is_valid_domain(handle) and not handle.endswith(".test"):
            continue  # probably not a handle
        start = match.start(3) - 1  # the "@"
        facets.append(_facet(text, start, match.end(3), MENTION_TYPE, did=handle))
    for match in URL.finditer(text):
        uri, start = match.group(2), match.start(2)
        end = match.end(2)
        if not uri.startswith("http"):
            domain = match.group("domain")
            if not domain or not is_valid_domain(domain):
                continue
            uri = f"https://{uri}"
        if uri[-1] in ".,;:!?":
            uri, end = uri[:-1], end - 1
        if uri.endswith(")") and "(" not in uri:
            uri, end = uri[:-1], end - 1
        facets.append(_facet(text, start, end, LINK_TYPE, uri=uri))
    for match in TAG.finditer(text):
        tag = match.group(2)
        if not tag:
            continue
        tag = TRAILING_PUNCTUATION.sub("", tag.strip(_SPACE))
        if not tag or (_utf16_len(tag) > TAG_LIMIT and counting.graphemes(tag) > TAG_LIMIT):
            continue
        start = match.start() + len(match.group(1))
        facets.append(_facet(text, start, start + 1 + len(tag), TAG_TYPE, tag=tag))
    for match in CASHTAG.finditer(text):
        ticker = match.group(2).upper()
        start = match.start() + len(match.group(1))
        facets.append(_facet(text, start, start + 1 + len(ticker), TAG_TYPE, tag="$" + ticker))
    # In the text's order, as RichText keeps them (a stable sort: detection order breaks ties).
    return sorted(facets, key=lambda f: f["index"]["byteStart"])


def _facet(text: str, start: int, end: int, kind: str, **feature: str) -> dict:
    return {
        "index": {"byteStart": _bytes(text, start), "byteEnd": _bytes(text, end)},
        "features": [{"$type": kind, **feature}],
    }
