"""Canonical JSON (RFC 8785, the JSON Canonicalization Scheme) for leaf data.

The same data always gives the same bytes, on any machine and in any language with a JCS
implementation, so a third party can recompute every leaf.
"""

from typing import Any

import rfc8785

from amends.errors import BadInput


def canonical(value: Any, *, field: str = "data") -> bytes:
    """The RFC 8785 bytes of ``value``; BadInput naming ``field`` if it is not plain JSON."""
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, TypeError, ValueError, UnicodeError) as error:
        raise BadInput(
            f"{field}: must be JSON (objects with text keys, lists, text, whole numbers, "
            f"finite numbers, true, false, null): {error}",
            field=field,
        ) from None
