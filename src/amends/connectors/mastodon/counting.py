"""How Mastodon counts the length of a post. Pure: strings in, numbers out.

Mastodon's ``StatusLengthValidator`` counts grapheme clusters (what a reader sees as one
character) after two rewrites: every link counts as ``characters_reserved_per_url`` characters
(23 unless the instance says otherwise), whatever its real length, and a mention of an account
on another server (``@user@example.social``) counts as the local part only (``@user``). The
limit itself is the instance's (``configuration.statuses.max_characters``, 500 by default), which
:meth:`Mastodon.check <amends.connectors.mastodon.connector.Mastodon.check>` reads.

Links are found as Mastodon finds them: twitter-text's ``valid_url`` (its domains, known top-level
domains, ports and query characters, from the twitter-text port this project already uses for
X), with Mastodon's own overrides from ``config/initializers/twitter_regex.rb`` (more protocols,
its path characters, query characters beyond ASCII) and only with a protocol
(``extract_url_without_protocol: false``); a link longer than 4,096 characters (its domain
counted as punycode) is no link (twitter-text's ``is_valid_domain``). Mentions are
``Account::MENTION_RE``, and a remote one whose domain is not a valid domain name is no mention.
Grapheme clusters are Ruby's, by Unicode 15.0: an Indic conjunct (consonant, virama, consonant)
is two clusters there, one under Unicode 15.1's rule GB9c that newer libraries follow.
"""

import regex
from twitter_text.regexp.valid_domain import valid_domain
from twitter_text.regexp.valid_port_number import valid_port_number
from twitter_text.regexp.valid_url_balanced_parens import valid_url_balanced_parens
from twitter_text.regexp.valid_url_preceding_chars import valid_url_preceding_chars

LIMIT = 500
URL_LENGTH = 23
MAX_URL_LENGTH = 4096  # twitter-text's MAX_URL_LENGTH
MAX_DOMAIN_LENGTH = 253
MAX_LABEL_LENGTH = 63

# Mastodon's overrides (config/initializers/twitter_regex.rb), on twitter-text's pieces.
_UCHARS = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U0001fffd\U00020000-\U0002fffd"
    "\U00030000-\U0003fffd\U00040000-\U0004fffd\U00050000-\U0005fffd\U00060000-\U0006fffd"
    "\U00070000-\U0007fffd\U00080000-\U0008fffd\U00090000-\U0009fffd\U000a0000-\U000afffd"
    "\U000b0000-\U000bfffd\U000c0000-\U000cfffd\U000d0000-\U000dfffd\U000e1000-\U000efffd"
    "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
)
_PATH_CHAR = r"[^\p{White_Space}<>()?]"
# Mastodon's ending characters name twitter-text's balanced brackets: its own are defined after.
_PATH_END = (
    r"(?:[^\p{White_Space}()?!*\"'「」<>;:=,.$%\[\]~&|@]|(?:"
    + valid_url_balanced_parens.pattern
    + "))"
)
_BALANCED = rf"\((?:{_PATH_CHAR}+|(?:{_PATH_CHAR}*\({_PATH_CHAR}+\){_PATH_CHAR}*))\)"
_PATH = rf"(?:(?:{_PATH_CHAR}*(?:{_BALANCED}{_PATH_CHAR}*)*{_PATH_END})|(?:{_PATH_CHAR}+/))"
_QUERY = rf"[a-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@\^{_UCHARS}]"
_QUERY_END = rf"[a-z0-9_&=#/\-{_UCHARS}]"
_URL = regex.compile(
    rf"(({valid_url_preceding_chars.pattern})"
    rf"(((?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini)://)?"
    rf"({valid_domain.pattern})"
    rf"(?::({valid_port_number.pattern}))?"
    rf"(/{_PATH}*)?"
    rf"(\?{_QUERY}*{_QUERY_END})?))",
    regex.IGNORECASE | regex.VERSION0,
)

# Account::MENTION_RE; Ruby's [[:word:]] is letters, marks, decimal digits and connectors.
_WORD = r"[\p{L}\p{M}\p{Nd}\p{Pc}]"
_USERNAME = r"[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*"
_MENTION = regex.compile(
    rf"(?<![=/\p{{L}}\p{{M}}\p{{Nd}}\p{{Pc}}])@(({_USERNAME})(?:@{_WORD}+(?:[.-]+{_WORD}+)*)?)",
    regex.IGNORECASE,
)
# twitter-text's end_mention_match: not a mention when followed by these.
_AFTER_MENTION = regex.compile(
    r"[@＠\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0100-\u024f\u0253\u0254\u0256\u0257\u0259"
    r"\u025b\u0263\u0268\u026f\u0272\u0289\u028b\u02bb\u0300-\u036f\u1e00-\u1eff]|://"
)
_GRAPHEME = regex.compile(r"\X")
# Where Unicode 15.1's GB9c joins an Indic conjunct that Unicode 15.0 (Ruby's) breaks.
_CONJUNCT = regex.compile(
    r"(?<=\p{InCB=Consonant}[\p{InCB=Extend}\p{InCB=Linker}]*\p{InCB=Linker}"
    r"[\p{InCB=Extend}\p{InCB=Linker}]*)\p{InCB=Consonant}"
)


def _punycode(domain: str) -> str | None:
    try:
        return domain.encode("idna").decode("ascii")
    except (UnicodeError, ValueError):
        return None


def _long_enough(url: str, domain: str) -> bool:
    """twitter-text's is_valid_domain: the domain converts to punycode, and the link, its domain
    counted as punycode, is at most 4,096 characters."""
    ascii_domain = _punycode(domain)
    if not ascii_domain:
        return False
    return len(url) + max(0, len(ascii_domain) - len(domain)) <= MAX_URL_LENGTH


def valid_domain_name(domain: str) -> bool:
    """Mastodon's DomainNameValidator: as punycode, at most 253 characters, every label 1 to 63
    letters, digits or hyphens."""
    ascii_domain = _punycode(domain)
    if not ascii_domain or len(ascii_domain) > MAX_DOMAIN_LENGTH:
        return False
    return all(
        1 <= len(label) <= MAX_LABEL_LENGTH and regex.fullmatch(r"[a-z0-9-]+", label, regex.I)
        for label in ascii_domain.split(".")
    )


def entities(text: str) -> list[tuple[int, int, str | None]]:
    """The links and mentions in ``text`` as Mastodon finds them: (start, end, what a mention
    counts as, or None for a link), in order, never overlapping."""
    found: list[tuple[int, int, str | None]] = []
    if ":" in text:
        for match in _URL.finditer(text):
            url, protocol, domain = match.group(3), match.group(4), match.group(5)
            if protocol and _long_enough(url, domain):
                found.append((match.start(3), match.end(3), None))
    if "@" in text or "＠" in text:
        for match in _MENTION.finditer(text):
            if _AFTER_MENTION.match(text, match.end()):
                continue
            _, _, domain = match.group(1).partition("@")
            if domain and not valid_domain_name(domain):
                continue
            found.append((match.start(), match.end(), "@" + match.group(2)))
    found.sort(key=lambda entity: entity[:2])
    kept: list[tuple[int, int, str | None]] = []
    for entity in found:
        if not kept or entity[0] >= kept[-1][1]:
            kept.append(entity)
    return kept


def graphemes(text: str) -> int:
    """Grapheme clusters as Ruby counts them (Unicode 15.0: no GB9c)."""
    return len(_GRAPHEME.findall(text)) + len(_CONJUNCT.findall(text))


def length(text: str, *, url_length: int = URL_LENGTH) -> int:
    """The length Mastodon gives ``text``: grapheme clusters, with every link counted as
    ``url_length`` and every remote mention as its local part."""
    parts, at = [], 0
    for start, end, mention in entities(text):
        parts += [text[at:start], "x" * url_length if mention is None else mention]
        at = end
    parts.append(text[at:])
    return graphemes("".join(parts))


def without_domains(text: str) -> str:
    """``text`` with every remote mention written as its local part, as Mastodon shows it
    once rendered (``@user@example.social`` becomes ``@user``)."""
    return _MENTION.sub(lambda m: "@" + m.group(2), text)
