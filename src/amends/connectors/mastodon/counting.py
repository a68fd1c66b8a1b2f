"""How Mastodon counts the length of a post. Pure: strings in, numbers out.

Mastodon's ``StatusLengthValidator`` counts grapheme clusters (what a reader sees as one
character) after two rewrites: every link counts as ``characters_reserved_per_url`` characters
(23 unless the instance says otherwise), whatever its real length, and a mention of an account
on another server (``@user@example.social``) counts as the local part only (``@user``). The
limit itself is the instance's (``configuration.statuses.max_characters``, 500 by default), which
:meth:`Mastodon.check <amends.connectors.mastodon.connector.Mastodon.check>` reads.

The link and mention patterns follow Mastodon's own (``app/models/account.rb`` ``MENTION_RE``,
``config/initializers/twitter_regex.rb``) closely; they differ only for rare text, such as a link
to a domain under an unknown top-level domain, which Mastodon does not count as a link at all.
"""

import re

import regex

LIMIT = 500
URL_LENGTH = 23

# Links need a scheme (Mastodon counts "example.com" without one as plain text).
_PROTOCOLS = r"(?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_URL = re.compile(
    r"(?<![A-Za-z0-9@＠$#＃\u202a-\u202e])"  # twitter-text's "valid preceding characters"
    + _PROTOCOLS
    + rf"{_LABEL}(?:\.{_LABEL})+"  # a host name with at least one dot
    + r"(?::\d{1,5})?"  # a port
    + r"(?:[/?][^\s<>]*)?",  # a path and query, trimmed below
    re.IGNORECASE,
)
# A link never ends with these (twitter-text's valid_url_path_ending_chars, in reverse).
_NOT_AT_END = frozenset("!*\"'「」<>;:=,.$%[]~&|@?(")

_USERNAME = r"[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*"
_MENTION = re.compile(
    rf"(?<![=/\w])@({_USERNAME})(?:@\w+(?:[.-]+\w+)*)?",
    re.IGNORECASE,
)
# twitter-text's end_mention_match: not a mention when followed by these.
_AFTER_MENTION = re.compile(
    r"[@＠\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259"
    r"\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff]|://"
)
_GRAPHEME = regex.compile(r"\X")


def _trim(url: str) -> str:
    while url and (url[-1] in _NOT_AT_END or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    return url


def entities(text: str) -> list[tuple[int, int, str | None]]:
    """The links and mentions in ``text`` as Mastodon finds them: (start, end, what a mention
    counts as, or None for a link), in order, never overlapping."""
    found: list[tuple[int, int, str | None]] = []
    for match in _URL.finditer(text):
        url = _trim(match.group())
        found.append((match.start(), match.start() + len(url), None))
    for match in _MENTION.finditer(text):
        if not _AFTER_MENTION.match(text, match.end()):
            found.append((match.start(), match.end(), "@" + match.group(1)))
    found.sort(key=lambda entity: entity[:2])
    kept: list[tuple[int, int, str | None]] = []
    for entity in found:
        if not kept or entity[0] >= kept[-1][1]:
            kept.append(entity)
    return kept


def length(text: str, *, url_length: int = URL_LENGTH) -> int:
    """The length Mastodon gives ``text``: grapheme clusters, with every link counted as
    ``url_length`` and every remote mention as its local part."""
    parts, at = [], 0
    for start, end, mention in entities(text):
        parts += [text[at:start], "x" * url_length if mention is None else mention]
        at = end
    parts.append(text[at:])
    return len(_GRAPHEME.findall("".join(parts)))


def without_domains(text: str) -> str:
    """``text`` with every remote mention written as its local part, as Mastodon shows it
    once rendered (``@user@example.social`` becomes ``@user``)."""
    return _MENTION.sub(lambda m: "@" + m.group(1), text)
