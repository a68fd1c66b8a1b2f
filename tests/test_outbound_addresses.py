"""Outbound requests reach public addresses only (security issue, finding 5: SSRF through an
account's server URL). Refused when the account is added and again at every connection, after
DNS; redirects are never followed. The suite allows loopback for its real servers
(tests/conftest.py); these tests turn that off."""

import ipaddress
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.actions import AddAccount, CheckAccount
from amends.connectors import PlatformError
from amends.connectors.addresses import NotPublic, is_public, kind_of, resolve
from amends.connectors.http import Seam
from amends.desk.models import Account
from amends.errors import BadInput, Refused

NOT_PUBLIC = [
    ("127.0.0.1", "loopback"),
    ("127.5.5.5", "loopback"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback (inside an IPv6 address)"),
    ("::127.0.0.1", "loopback (inside an IPv6 address)"),
    ("2002:7f00:1::", "loopback (inside an IPv6 address)"),
    ("169.254.169.254", "link-local"),
    ("fe80::1", "link-local"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("fd00::1", "private"),
    ("0.0.0.0", "unspecified"),  # noqa: S104 - an address to judge, not to bind
    ("::", "unspecified"),
    ("100.64.0.1", "shared (carrier-grade NAT)"),
    ("224.0.0.1", "multicast"),
]


@pytest.fixture
def public_only(settings):
    settings.ALLOW_PRIVATE_ADDRESSES = False


@pytest.mark.parametrize(("address", "kind"), NOT_PUBLIC)
def test_non_public_addresses_are_named(address, kind):
    assert kind_of(ipaddress.ip_address(address)) == kind
    assert not is_public(address)


@pytest.mark.parametrize("address", ["1.1.1.1", "8.8.8.8", "2606:4700::1111", "81.2.69.142"])
def test_public_addresses_pass(address):
    assert is_public(address)


@given(st.ip_addresses(v=4))
def test_an_ipv4_address_inside_ipv6_is_judged_as_itself(address):
    mapped = ipaddress.IPv6Address(f"::ffff:{address}")
    assert is_public(mapped) == is_public(address)


@given(st.ip_addresses(v=4))
def test_only_globally_reachable_ipv4_addresses_are_public(address):
    if is_public(address):
        assert address.is_global


def test_a_name_is_judged_by_every_address_it_resolves_to():
    with pytest.raises(NotPublic, match=r"^localhost \((127\.0\.0\.1|::1)\) is a loopback"):
        resolve("localhost", 443)
    with pytest.raises(NotPublic, match="cannot find the server"):
        resolve("no-such-host.invalid", 443)


@pytest.mark.parametrize(
    "server",
    ["https://127.0.0.1:8443", "https://localhost", "http://[::1]:3000", "http://10.0.0.5"],
)
def test_an_account_on_a_private_server_is_refused_and_nothing_is_added(
    people, public_only, server
):
    before = Account.objects.count()
    with pytest.raises(BadInput, match=r"^server: .* not a public one"):
        AddAccount(
            people.adam,
            key="mastodon:news",
            settings={"server": server},
            secrets={"token": "t"},
        ).run()
    assert Account.objects.count() == before


@pytest.fixture
def listener():
    """A socket on loopback that records whether anyone connected."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.5)
    yield sock
    sock.close()


def _connected(sock) -> bool:
    try:
        conn, _ = sock.accept()
    except TimeoutError:
        return False
    conn.close()
    return True


@pytest.mark.parametrize("platform", ["mastodon", "wordpress", "bluesky"])
def test_an_account_whose_server_is_private_is_refused_before_any_connection(
    people, settings, listener, platform
):
    """Added while private addresses were allowed (or before its name moved): refused at
    connect time, before a socket is opened."""
    port = listener.getsockname()[1]
    fields = {
        "mastodon": ({"server": f"http://localhost:{port}"}, {"token": "t"}),
        "wordpress": ({"server": f"http://localhost:{port}", "user": "u"}, {"password": "p"}),
        "bluesky": ({"server": f"http://localhost:{port}"}, {"password": "p"}),
    }[platform]
    AddAccount(people.adam, key=f"{platform}:news", settings=fields[0], secrets=fields[1]).run()
    settings.ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(Refused, match="loopback"):
        CheckAccount(people.adam, account=f"{platform}:news").run()
    assert not _connected(listener)


class _Redirect(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):
        _Redirect.hits.append(self.path)
        if self.path == "/start":
            self.send_response(302)
            self.send_header("Location", "/secret")
            self.end_headers()
        else:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"secret")

    def log_message(self, *args):
        pass


def test_redirects_are_never_followed():
    server = HTTPServer(("127.0.0.1", 0), _Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    _Redirect.hits.clear()
    try:
        with pytest.raises(PlatformError):
            Seam("test").request("GET", f"{url}/start")
        session = Seam("test").session()
        with pytest.raises(Exception, match="redirect"):
            session.get(f"{url}/start", timeout=5)
    finally:
        server.shutdown()
    assert "/secret" not in _Redirect.hits


class _Echo(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self):
        _Echo.seen.append(self.headers["Host"])
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_the_connection_goes_to_the_checked_address_under_the_original_name(
    monkeypatch, public_only
):
    """DNS is asked once, by the guard; the connection is made to the address it judged, so a
    second, different answer cannot slip in. The Host header keeps the name."""
    from amends.connectors import guard

    server = HTTPServer(("127.0.0.1", 0), _Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    asked = []

    def judged(host, port):
        asked.append(host)
        return ["127.0.0.1"]  # as if the name had resolved to this (public) address

    monkeypatch.setattr(guard, "resolve", judged)
    _Echo.seen.clear()
    try:
        response = Seam("test").request("GET", f"http://platform.example:{port}/api")
    finally:
        server.shutdown()
    assert response.status_code == 200
    assert asked == ["platform.example"]
    assert _Echo.seen == [f"platform.example:{port}"]
