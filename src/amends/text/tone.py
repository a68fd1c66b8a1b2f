"""The tone guard: humour has no place in anything said about a serious or critical incident.
English and Welsh markers (Welsh says "wps" for oops; lol, haha and emoji are the same)."""

import re

HUMOUR = [
    r"\blol+\b",
    r"\blmao\b",
    r"\brofl\b",
    r"\b(?:ha){2,}h?\b",
    r"\b(?:he){2,}\b",
    r"\bw?hoops(?:ie|y)?\b",
    r"\boops(?:ie|y)?\b",
    r"\bmy bad\b",
    r"\bwps(?:[yi]e?)?\b",  # Welsh "oops"
    r"\bxd\b",
    "\U0001f602",
    "\U0001f923",
    "\U0001f605",
    "\U0001f606",
    "\U0001f61c",
    "\U0001f648",
    "\U0001f609",
    "\U0001f643",
    r"(?<!\S)[:;]-?[)dDpP](?!\S)",
    r"(?<!\S)\(-?[:;](?!\S)",
]
PATTERN = re.compile("|".join(f"(?:{p})" for p in HUMOUR), re.IGNORECASE)


def humour_markers(text: str) -> list[str]:
    """The humour markers found in ``text``, in order (lol, haha, 😂, oops, my bad, :) ...)."""
    return [match.group(0) for match in PATTERN.finditer(text)]
