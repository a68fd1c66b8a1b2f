"""Parts of desk pages worked out once for each version of the record, in each server process.

Every change the desk shows is made by an action that appends to the record in the same
transaction, so the record's version (:func:`amends.record.api.version`: its size and its newest
entry's hash) names one state of everything the desk shows, and a part of a page kept under it
is never stale. When the version moves on, the first request that needs a part works it out
again while any others asking for the same part wait for it, instead of all doing the same work
at once (twenty people on Today when someone publishes would otherwise all miss together).
"""

import hashlib
import threading
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

SECONDS = 600  # a part of an old version is dropped after this, if nothing pushed it out first
_guard = threading.Lock()
_working: dict[str, threading.Lock] = {}
T = TypeVar("T")


def key_for(*parts: object) -> str:
    return "amends:part:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def versioned(key: str, make: Callable[[], T], seconds: int = SECONDS) -> T:
    """The value cached under ``key`` (which names the record's version), made once."""
    value = cache.get(key)
    if value is not None:
        return value
    with _guard:
        working = _working.setdefault(key, threading.Lock())
    try:
        with working:
            value = cache.get(key)
            if value is None:
                value = make()
                cache.set(key, value, seconds)
            return value
    finally:
        with _guard:
            if not working.locked():
                _working.pop(key, None)
