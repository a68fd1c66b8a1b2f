"""Which addresses Amends may connect to (amends.connectors.addresses): pure rules, with named
examples and properties, and the resolver that refuses a name if any of its addresses is bad."""

import ipaddress
import socket

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.connectors import addresses
from amends.connectors.addresses import NotPublic, allowed, check, refusal, resolve

NOT_PUBLIC = {
    "127.0.0.1": "loopback",
    "127.255.0.9": "loopback",
    "::1": "loopback",
    "::ffff:127.0.0.1": "loopback",  # IPv4-mapped
    "::127.0.0.1": "loopback",  # IPv4-compatible
    "64:ff9b::7f00:1": "loopback",  # NAT64 of 127.0.0.1
    "169.254.169.254": "link-local",  # cloud metadata
    "::ffff:169.254.169.254": "link-local",
    "fe80::1": "link-local",
    "10.0.0.1": "private",
    "10.255.255.255": "private",
    "172.16.0.1": "private",
    "172.31.255.254": "private",
    "192.168.1.1": "private",
    "100.64.0.1": "private",  # shared address space
    "fd00::1": "private",
    "fc00::1": "private",
    "2002:c0a8:101::1": "private",  # 6to4 of 192.168.1.1
    "2002:7f00:1::": "loopback",  # 6to4 of 127.0.0.1
    "0.0.0.0": "unspecified",  # noqa: S104
    "::": "unspecified",
    "224.0.0.1": "multicast",
    "ff02::1": "multicast",
    "192.0.2.1": "reserved",  # documentation
    "198.18.0.1": "reserved",  # benchmarking
    "240.0.0.1": "reserved",
    "255.255.255.255": "reserved",
}
PUBLIC = ["1.1.1.1", "8.8.8.8", "2606:4700::1111", "2a00:1450:4009:81f::200e", "::ffff:1.1.1.1"]


@pytest.mark.parametrize(("text", "why"), sorted(NOT_PUBLIC.items()))
def test_an_address_that_is_not_public_is_refused_and_says_why(text, why):
    address = ipaddress.ip_address(text)
    assert refusal(address) == why
    assert not allowed(address, private=False)


@pytest.mark.parametrize("text", PUBLIC)
def test_a_public_address_is_allowed(text):
    address = ipaddress.ip_address(text)
    assert refusal(address) is None
    assert allowed(address, private=False)


def test_the_setting_allows_loopback_and_private_but_never_link_local_or_the_rest():
    assert allowed(ipaddress.ip_address("127.0.0.1"), private=True)
    assert allowed(ipaddress.ip_address("::1"), private=True)
    assert allowed(ipaddress.ip_address("192.168.1.1"), private=True)
    assert allowed(ipaddress.ip_address("fd00::1"), private=True)
    for text in ("169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.1", "192.0.2.1"):  # noqa: S104
        assert not allowed(ipaddress.ip_address(text), private=True), text


ipv4 = st.builds(ipaddress.IPv4Address, st.integers(0, 2**32 - 1))
ipv6 = st.builds(ipaddress.IPv6Address, st.integers(0, 2**128 - 1))


@given(ipv4)
def test_an_ipv4_address_wrapped_in_ipv6_is_judged_as_itself(address):
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert refusal(mapped) == refusal(address)
    nat64 = ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(address))
    assert refusal(nat64) == refusal(address)


CARRIERS = {  # how each IPv6 form carries an IPv4 address
    "mapped": lambda v4: 0xFFFF << 32 | v4,
    "compatible": lambda v4: v4,
    "nat64": lambda v4: int(ipaddress.IPv6Address("64:ff9b::")) | v4,
    "6to4": lambda v4: 0x2002 << 112 | v4 << 80,
    "teredo": lambda v4: 0x20010000 << 96 | (~v4 & 0xFFFFFFFF),  # the client is inverted
}
# Addresses that carry an IPv4 address, which random IPv6 addresses almost never are.
carriers = st.builds(
    lambda form, v4: (ipaddress.IPv6Address(CARRIERS[form](v4)), ipaddress.IPv4Address(v4)),
    st.sampled_from(sorted(CARRIERS)),
    st.integers(2, 2**32 - 1),
)


@given(st.one_of(ipv4, ipv6, carriers.map(lambda pair: pair[0])))
def test_an_address_is_public_only_if_python_calls_it_global(address):
    if refusal(address) is None:
        # Python calls every IPv4-mapped address not global; it is judged as the IPv4 one.
        assert address.is_global or address.ipv4_mapped is not None
        assert not address.is_loopback
        assert not address.is_link_local
        assert not address.is_multicast


@given(carriers)
def test_an_address_carrying_one_that_is_not_public_is_refused(pair):
    address, carried = pair
    if refusal(carried) is not None:
        assert refusal(address) == refusal(carried)


@pytest.mark.parametrize("form", sorted(CARRIERS))
def test_every_form_that_carries_an_ipv4_address_is_judged_by_it(form):
    for text in ("127.0.0.1", "10.0.0.1", "169.254.169.254"):
        v4 = ipaddress.IPv4Address(text)
        assert refusal(ipaddress.IPv6Address(CARRIERS[form](int(v4)))) == refusal(v4)


@given(st.one_of(ipv4, ipv6, carriers.map(lambda pair: pair[0])))
def test_the_setting_only_ever_widens_what_is_allowed(address):
    if allowed(address, private=False):
        assert allowed(address, private=True)
    if allowed(address, private=True) and not allowed(address, private=False):
        assert refusal(address) in ("loopback", "private")


@given(st.lists(st.sampled_from(PUBLIC), min_size=1), st.sampled_from(sorted(NOT_PUBLIC)))
def test_one_bad_address_among_good_ones_refuses_the_name(good, bad):
    assert check("platform.example", good, private=False) == good
    with pytest.raises(NotPublic) as refused:
        check("platform.example", [*good, bad], private=False)
    assert refused.value.address == bad


def test_the_refusal_names_the_host_the_address_and_what_is_allowed():
    with pytest.raises(NotPublic) as by_name:
        check("intranet.example", ["10.1.2.3"], private=False)
    assert str(by_name.value) == (
        "intranet.example resolves to 10.1.2.3, a private address; "
        "only public addresses are allowed"
    )
    with pytest.raises(NotPublic) as literal:
        check("169.254.169.254", ["169.254.169.254"], private=True)
    assert str(literal.value) == (
        "169.254.169.254 is a link-local address; only public addresses are allowed"
    )


def test_resolving_refuses_a_name_whose_addresses_include_loopback(monkeypatch):
    def answers(host, port, *args, **kwargs):
        assert host == "rebind.example"
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", port, 0, 0)),
        ]

    monkeypatch.setattr(addresses.socket, "getaddrinfo", answers)
    with pytest.raises(NotPublic, match=r"rebind\.example resolves to ::1, a loopback"):
        resolve("rebind.example", 443, private=False)
    assert resolve("rebind.example", 443, private=True) == ["93.184.216.34", "::1"]


def test_resolving_a_literal_address_needs_no_name_server():
    assert resolve("[::1]", 80, private=True) == ["::1"]
    with pytest.raises(NotPublic, match=r"^127\.0\.0\.1 is a loopback address"):
        resolve("127.0.0.1", 80, private=False)
