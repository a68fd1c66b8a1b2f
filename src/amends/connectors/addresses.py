"""Which addresses Amends may reach: the platforms' servers are on the public internet, so an
account's server that names or resolves to a loopback, private, link-local or otherwise
non-public address is refused — when the account is added, and again at every connection, after
DNS (so a name that later resolves somewhere else is caught).

``AMENDS_ALLOW_PRIVATE_ADDRESSES=true`` allows them, for tests against servers on loopback and
for private deployments whose platform servers sit on the force's own network.

:func:`is_public` is pure; :func:`resolve` asks DNS.
"""

from __future__ import annotations

import ipaddress
import socket

from amends.connectors.errors import PlatformError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Not covered by the ipaddress module's flags, or worth naming: carrier-grade NAT (RFC 6598)
# and the benchmarking range (RFC 2544).
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_BENCHMARK = ipaddress.ip_network("198.18.0.0/15")


class NotPublic(PlatformError):
    """The server's address is not on the public internet, or cannot be found. Permanent: the
    same request would be refused again."""

    def __init__(self, message: str):
        super().__init__(message, permanent=True)


def _embedded(address: Address) -> Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, Teredo), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    packed = address.packed
    if packed[:12] == bytes(12) and packed[12:] != bytes(4):  # ::a.b.c.d (deprecated form)
        return ipaddress.IPv4Address(packed[12:])
    return None


def kind_of(address: Address) -> str | None:
    """What makes ``address`` non-public, in words ("loopback", "private", ...); None when it
    is a public address."""
    first = [
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
    ]
    found = next((name for name, hit in first if hit), None)
    if found is not None:
        return found
    inner = _embedded(address)
    if inner is not None:
        found = kind_of(inner)
        return None if found is None else f"{found} (inside an IPv6 address)"
    checks = [
        ("shared (carrier-grade NAT)", address in _SHARED),
        ("reserved for benchmarking", address in _BENCHMARK),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("not globally reachable", not address.is_global),
    ]
    return next((name for name, hit in checks if hit), None)


def is_public(address: str | Address) -> bool:
    return kind_of(ipaddress.ip_address(address)) is None


def resolve(host: str, port: int) -> list[str]:
    """The addresses of ``host``, every one of them public; NotPublic names the first that is
    not, or says the host cannot be found."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        found = [str(literal)]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise NotPublic(f"cannot find the server {host}") from None
        found = list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))
    for address in found:
        kind = kind_of(ipaddress.ip_address(address))
        if kind is not None:
            shown = host if literal is not None else f"{host} ({address})"
            raise NotPublic(f"{shown} is a {kind} address, not a public one")
    return found
