"""How X counts the length of a post. Pure: strings in, numbers out.

X weighs characters (https://docs.x.com/fundamentals/counting-characters): most Latin, Greek,
Cyrillic and punctuation weigh 1; CJK, most other scripts and every emoji (even a sequence of
several code points, such as a family or a flag) weigh 2; every link weighs 23 whatever its
length, as X shortens it to a t.co link. Text is NFC-normalised first. The limit is 280.

The counting itself is twitter-text-parser, the Python port of X's own twitter-text rules.
"""

from twitter_text import extract_urls_with_indices, parse_tweet

LIMIT = 280
URL_LENGTH = 23
# Characters twitter-text calls invalid: a post with one is refused whatever its length.
INVALID = {"\ufffe": "U+FFFE", "\uffff": "U+FFFF", "\ufeff": "U+FEFF"}


def invalid_characters(text: str) -> list[str]:
    """The code points in ``text`` that X refuses, named (U+FEFF ...), each once, in order."""
    return list(dict.fromkeys(INVALID[c] for c in text if c in INVALID))


def weighted_length(text: str) -> int:
    """The weighted length X gives ``text``."""
    return parse_tweet(text).weightedLength


def without_links(text: str, placeholder: str = "https://t.co/") -> str:
    """``text`` with every link replaced by ``placeholder``: X hands back its own t.co link
    for each link it was given, so two wordings compare equal whatever the links became."""
    parts, at = [], 0
    for url in extract_urls_with_indices(text):
        start, end = url["indices"]
        parts += [text[at:start], placeholder]
        at = end
    parts.append(text[at:])
    return "".join(parts)
