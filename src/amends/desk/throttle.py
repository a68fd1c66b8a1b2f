"""Slowing down password guessing without letting anyone lock a person out.

Every password check (signing in, and the current password on the password page) is counted
against the name tried and against the client's address. The first ``AMENDS_SIGN_IN_ATTEMPTS``
failures cost nothing; after them each further try must wait longer (1 s, 2 s, 4 s … for a
name, twice as long for an address), up to a cap. A name's cap is short, so an attacker
elsewhere can make the true person wait at most that long; an address that keeps failing is
slowed harder, up to its own, longer cap. A try that is told to wait is not counted, so waiting
is never extended by trying.

A try is counted *before* the password is checked and forgiven when it was right, so that
many tries sent at once cannot slip past the count. Names and addresses are kept only as keyed
hashes; counts are forgotten after an hour without failures.

Behind a proxy every request comes from the proxy's address: ``AMENDS_TRUSTED_PROXIES`` says how
many proxies append to ``X-Forwarded-For``, and the client is the address that many places from
the right. With 0 (the default) the header is ignored, since anyone can send one.
"""

import hashlib
import hmac
import ipaddress
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

# Failures older than this, with none since, are forgotten.
QUIET = timedelta(hours=1)
NAME_BASE = 1  # seconds
ADDRESS_BASE = 2


def wait_seconds(failures: int, *, free: int, base: int, cap: int) -> int:
    """How long the next try must wait after ``failures`` failures in a row: nothing for the
    first ``free``, then ``base`` seconds, doubling with each further failure, at most ``cap``."""
    if failures < free:
        return 0
    doublings = failures - free
    if doublings >= cap.bit_length():
        return cap
    return min(cap, base << doublings)


def client_address(remote_addr: str, forwarded_for: str | None, trusted: int) -> str:
    """The client's address: with ``trusted`` proxies in front, the address that many places
    from the right of X-Forwarded-For (each proxy appends the address it saw); otherwise, or if
    the header is short or not an address there, the address of the connection itself."""
    if trusted > 0 and forwarded_for:
        hops = [hop.strip() for hop in forwarded_for.split(",")]
        if len(hops) >= trusted:
            try:
                return str(ipaddress.ip_address(hops[-trusted]))
            except ValueError:
                pass
    return remote_addr


def address_of(request) -> str:
    meta = request.META
    return client_address(
        meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR"), settings.TRUSTED_PROXIES
    )


def _network(address: str) -> str:
    """One IPv6 host usually holds a whole /64, so the /64 is counted as one address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def say_wait(seconds: int) -> str:
    """``seconds`` in words: '1 second', '40 seconds', '3 minutes' (rounded up)."""
    if seconds < 120:
        return ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}


def _key(kind: str, value: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256
    ).hexdigest()


def _rules(name: str, address: str) -> list[tuple[str, int, int]]:
    """(key, base, cap) for the name, then for the address."""
    return [
        (_key("name", name), NAME_BASE, settings.SIGN_IN_NAME_WAIT_MAX),
        (_key("address", _network(address)), ADDRESS_BASE, settings.SIGN_IN_ADDRESS_WAIT_MAX),
    ]


def _remaining(row, base: int, cap: int, free: int, now: datetime) -> int:
    if row.failures == 0 or now - row.last > QUIET:
        return 0
    due = row.last + timedelta(seconds=wait_seconds(row.failures, free=free, base=base, cap=cap))
    return max(0, math.ceil((due - now).total_seconds()))


def attempt(name: str, address: str, *, now: datetime | None = None) -> tuple[bool, int]:
    """Count a password check for ``name`` from ``address`` before it is made.

    Returns ``(False, seconds)`` when it must wait (and nothing is counted), else
    ``(True, seconds)``: it may go ahead, and a failure now means the next try waits that long.
    """
    from amends.desk.models import SignInFailures

    now = now or timezone.now()
    rules, free = _rules(name, address), settings.SIGN_IN_ATTEMPTS
    SignInFailures.objects.filter(last__lt=now - QUIET).delete()
    for key, _, _ in rules:
        SignInFailures.objects.get_or_create(key=key, defaults={"last": now})
    with transaction.atomic():
        rows = {
            row.key: row
            for row in SignInFailures.objects.select_for_update().filter(
                key__in=[key for key, _, _ in rules]
            )
        }
        waits = [_remaining(rows[key], base, cap, free, now) for key, base, cap in rules]
        if max(waits) > 0:
            return False, max(waits)
        following = 0
        for key, base, cap in rules:
            row = rows[key]
            row.failures = (0 if now - row.last > QUIET else row.failures) + 1
            row.last = now
            row.save(update_fields=["failures", "last"])
            following = max(following, wait_seconds(row.failures, free=free, base=base, cap=cap))
    return True, following


def succeeded(name: str, address: str) -> None:
    """The password was right: the name's count starts again, the address forgets this try."""
    from django.db.models import F

    from amends.desk.models import SignInFailures

    (name_key, _, _), (address_key, _, _) = _rules(name, address)
    SignInFailures.objects.filter(key=name_key).delete()
    SignInFailures.objects.filter(key=address_key, failures__gt=0).update(
        failures=F("failures") - 1
    )
