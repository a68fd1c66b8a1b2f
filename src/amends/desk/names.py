"""User names: plain ASCII, so that no name can pass for another.

A name written partly in another script (a Cyrillic ``ѕ`` in ``ѕam``) looks exactly like a
Latin one on the page and in the record. Letters are therefore a to z (either case), beside
digits and ``. _ - @ +`` (the ASCII punctuation Django allows, kept for names that are email
addresses). Names that differ only in capitals are refused where users are added.
"""

import string
import unicodedata

from amends.errors import BadInput

MAX = 150
ALLOWED = frozenset(string.ascii_letters + string.digits + "._-@+")
RULE = "use only the letters a to z, digits and . _ - @ + (no spaces)"


def check_user_name(name: object, field: str = "name") -> str:
    """``name`` if it is 1 to 150 allowed characters; else BadInput naming the first that is not."""
    if not isinstance(name, str) or not name:
        raise BadInput(f"{field}: must not be empty; {RULE}", field=field)
    if len(name) > MAX:
        raise BadInput(f"{field}: must be at most {MAX} characters", field=field)
    for char in name:
        if char not in ALLOWED:
            label = unicodedata.name(char, "a control or unassigned character")
            raise BadInput(
                f"{field}: U+{ord(char):04X} {label} is not allowed; {RULE}", field=field
            )
    return name
