"""Whether two wordings are the same message: the match that finds the other channels a wrong
message went to. Pure."""

import re
import unicodedata
from difflib import SequenceMatcher

# Links differ between platforms (shortened, tracked); hashtags and handles are added or not.
_NOISE = re.compile(r"https?://\S+|www\.\S+|[#@][\w.]+", re.UNICODE)
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
NEAR = 0.8


def normalised(text: str) -> str:
    """Lower case, accents and links, tags and punctuation gone, single spaces."""
    if text.isascii():  # most posts: nothing to decompose, a quicker lower case
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(_NOT_WORD.sub(" ", _NOISE.sub(" ", text)).split())


def words(text: str) -> tuple[str, ...]:
    """The normalised words of ``text``, what two wordings are compared by."""
    return tuple(normalised(text).split())


def likeness_of(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """:func:`likeness` of two texts already split into :func:`words`: word by word, so that a
    post is compared in tens of steps, not thousands."""
    if not a or not b:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    # Cheap upper bounds first: most posts are plainly another message.
    if matcher.real_quick_ratio() < NEAR or matcher.quick_ratio() < NEAR:
        return matcher.quick_ratio()
    return matcher.ratio()


def likeness(a: str, b: str) -> float:
    """From 0 (nothing alike) to 1 (the same words in the same order)."""
    return likeness_of(words(a), words(b))


def same_message(a: str, b: str) -> bool:
    return likeness(a, b) >= NEAR
