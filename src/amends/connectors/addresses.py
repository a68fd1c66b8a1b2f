"""Which addresses Amends may connect to: public ones, and loopback or private ones only where
``AMENDS_ALLOW_PRIVATE_ADDRESSES`` says so.

An account's server is typed by an admin, so a server of ``http://127.0.0.1:6379`` or
``http://169.254.169.254`` would turn Amends into a probe of its own network. Every outbound
connection is checked here after DNS (see :mod:`amends.connectors.guard`), and an account's
server when it is added.

:func:`refusal` is pure: it says why an address is not public, or nothing. IPv6 forms that carry
an IPv4 address (IPv4-mapped and -compatible, NAT64, 6to4, Teredo) are judged by the IPv4
address they carry. Link-local (where cloud metadata lives), multicast, unspecified and reserved
addresses are refused whatever the setting: no test or private deployment needs them.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# What the setting may allow; anything else that is not public is always refused.
PRIVATE = frozenset({"loopback", "private"})

_PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",  # shared address space (carrier-grade NAT, some overlay networks)
        "fc00::/7",  # unique local
        "fec0::/10",  # site-local, deprecated
    )
)
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class NotPublic(Exception):
    """A host resolved to an address Amends may not connect to."""

    def __init__(self, host: str, address: str, why: str):
        named = f"{host} is" if host.strip("[]") == address else f"{host} resolves to {address},"
        article = "an" if why[:1] in "aeiou" else "a"
        super().__init__(f"{named} {article} {why} address; only public addresses are allowed")
        self.host, self.address, self.why = host, address, why


def _carried(address: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address | None, bool]:
    """The IPv4 address an IPv6 address carries, if any, and whether the IPv6 address is only
    that IPv4 address written otherwise (mapped, compatible) rather than a way to reach it
    (NAT64, 6to4, Teredo), which must itself be public too."""
    packed = address.packed
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped, True
    if packed[:12] == bytes(12) and int(address) > 1:  # IPv4-compatible (::a.b.c.d)
        return ipaddress.IPv4Address(packed[-4:]), True
    if any(address in network for network in _NAT64):
        return ipaddress.IPv4Address(packed[-4:]), False
    if address.sixtofour is not None:
        return address.sixtofour, False
    if address.teredo is not None:
        return address.teredo[1], False  # the client's own address
    return None, False


def refusal(address: Address) -> str | None:
    """Why ``address`` is not public (loopback, private, link-local, multicast, unspecified,
    reserved), or None when it is."""
    if isinstance(address, ipaddress.IPv6Address):
        carried, same = _carried(address)
        if carried is not None:
            why = refusal(carried)
            if why is not None or same:
                return why
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if any(address in network for network in _PRIVATE_NETWORKS):
        return "private"
    if not address.is_global:
        return "reserved"
    return None


def allowed(address: Address, *, private: bool) -> bool:
    """Whether Amends may connect to ``address``; ``private`` is the setting."""
    why = refusal(address)
    return why is None or (private and why in PRIVATE)


def check(host: str, addresses: Iterable[str], *, private: bool) -> list[str]:
    """``addresses`` (what ``host`` resolved to), if every one may be connected to; otherwise
    :class:`NotPublic` for the first that may not. One bad answer refuses them all: a name
    that resolves to both a public and a private address must not be used to reach the private
    one."""
    addresses = list(addresses)
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])  # a scope id is no part of it
        if not allowed(address, private=private):
            raise NotPublic(host, text, refusal(address) or "")
    return addresses


def resolve(host: str, port: int, *, private: bool) -> list[str]:
    """The addresses ``host`` resolves to, in the resolver's order, if every one may be
    connected to. Raises :class:`NotPublic`, or :class:`OSError` when the name cannot be
    resolved."""
    found = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    unique = list(dict.fromkeys(str(info[4][0]) for info in found))
    return check(host, unique, private=private)
