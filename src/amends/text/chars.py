"""Characters that may appear in what people write: XML 1.0's ``Char`` production, so that every
post can go into the Atom feed, the site's HTML and an evidence pack's XML unchanged.

Pure; no Django. Word processors and pasted text bring control characters that look like nothing
(a vertical tab from Word, ESC, BEL); one of them would make the whole feed invalid for every
subscriber, so they are refused where the text is typed, not dropped silently later.
"""

import re
import unicodedata

# Everything outside XML 1.0's Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
# [#x10000-#x10FFFF].
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

NAMES = {
    "\x0b": "vertical tab",
    "\x0c": "form feed",
    "\x1b": "escape",
    "\x07": "bell",
    "\x08": "backspace",
    "\x00": "NUL",
    "\ufffe": "not a character",
    "\uffff": "not a character",
}


def first_not_allowed(text: str) -> str | None:
    """The first character of ``text`` that XML 1.0 does not allow, or None."""
    found = _NOT_XML.search(text)
    return None if found is None else found.group()


def describe(char: str) -> str:
    """``U+000B (vertical tab)``: a character as people can look it up."""
    name = NAMES.get(char) or unicodedata.name(char, "control character").lower()
    return f"U+{ord(char):04X} ({name})"
