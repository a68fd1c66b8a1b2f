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
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(_NOT_WORD.sub(" ", _NOISE.sub(" ", text)).split())


def likeness(a: str, b: str) -> float:
    """From 0 (nothing alike) to 1 (the same words in the same order)."""
    a, b = normalised(a), normalised(b)
    if not a or not b:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def same_message(a: str, b: str) -> bool:
    return likeness(a, b) >= NEAR
