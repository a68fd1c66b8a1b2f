"""The guard on outbound requests (amends.connectors.guard), with AMENDS_ALLOW_PRIVATE_ADDRESSES
off as in production: an account's server at a loopback or private address is refused when the
account is added, and again at every connection, before any socket connects; redirects are
never followed; the environment's proxies are not used; a failed check never shows the server's
answer. Listeners on loopback prove that no connection was made."""

import http.server
import socket
import threading

import pytest

from amends.actions import AddAccount, CheckAccount
from amends.connectors import addresses
from amends.connectors.credentials import lock
from amends.connectors.errors import NotAllowed
from amends.connectors.http import Seam
from amends.connectors.mastodon.connector import Mastodon
from amends.desk.models import Account
from amends.errors import BadInput, Refused


@pytest.fixture
def production(settings):
    settings.ALLOW_PRIVATE_ADDRESSES = False


class Listener:
    """A loopback port that is listening, and a way to ask whether anything connected."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    def connected(self) -> bool:
        try:
            self.sock.accept()[0].close()
        except BlockingIOError:
            return False
        return True


@pytest.fixture
def listener():
    made = Listener()
    yield made
    made.sock.close()


class Site:
    """A loopback HTTP server answering every request with one status, headers and body, and
    keeping the Host header of each request it saw."""

    def __init__(self, status=200, body=b"{}", headers=None):
        self.status, self.body, self.headers, self.hosts = status, body, headers or {}, []
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                site.hosts.append(self.headers["Host"])
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                self.send_response(site.status)
                for name, value in {"Content-Type": "application/json", **site.headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(site.body)))
                self.end_headers()
                self.wfile.write(site.body)

            do_GET = do_POST = answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    made = []

    def make(**kwargs) -> Site:
        made.append(Site(**kwargs))
        return made[-1]

    yield make
    for one in made:
        one.close()


def resolve_to(monkeypatch, table: dict[str, str]):
    """The name server answers ``table`` (name -> address) and nothing else."""
    real = socket.getaddrinfo

    def answers(host, port, *args, **kwargs):
        if host in table:
            return real(table[host], port, *args, **kwargs)
        if host.replace(".", "").isdigit() or ":" in host:  # an address: nothing to look up
            return real(host, port, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(addresses.socket, "getaddrinfo", answers)


# When the account is added


@pytest.mark.parametrize(
    "server",
    [
        "http://127.0.0.1:8000",
        "http://[::1]:8000",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data/",
        "https://10.0.0.7",
        "https://192.168.1.20",
        "http://0.0.0.0:5432",
    ],
)
def test_an_account_on_a_server_that_is_not_public_is_not_added(db, production, server):
    with pytest.raises(BadInput) as refused:
        AddAccount(
            None,
            key="mastodon:police",
            settings={"server": server},
            secrets={"token": "t"},
            as_operator=True,
        ).run()
    assert refused.value.field == "server"
    assert refused.value.message.startswith("server: ")
    assert refused.value.message.endswith("only public addresses are allowed")
    assert not Account.objects.exists()


def test_a_server_name_that_resolves_to_loopback_is_not_added(db, production, monkeypatch):
    resolve_to(monkeypatch, {"mastodon.internal.example": "127.0.0.1"})
    with pytest.raises(BadInput) as refused:
        AddAccount(
            None,
            key="mastodon:police",
            settings={"server": "https://mastodon.internal.example"},
            secrets={"token": "t"},
            as_operator=True,
        ).run()
    assert refused.value.message == (
        "server: mastodon.internal.example resolves to 127.0.0.1, a loopback address; "
        "only public addresses are allowed"
    )


def test_the_setting_lets_loopback_through_but_never_link_local(db, settings):
    settings.ALLOW_PRIVATE_ADDRESSES = True
    AddAccount(
        None,
        key="mastodon:police",
        settings={"server": "http://127.0.0.1:8000"},
        secrets={"token": "t"},
        as_operator=True,
    ).run()
    with pytest.raises(BadInput, match=r"169\.254\.169\.254 is a link-local address"):
        AddAccount(
            None,
            key="mastodon:metadata",
            settings={"server": "http://169.254.169.254"},
            secrets={"token": "t"},
            as_operator=True,
        ).run()


# At every connection


def test_an_account_row_on_loopback_is_refused_before_any_connection(db, production, listener):
    port = listener.port
    for platform in ("mastodon", "bluesky", "wordpress", "x", "facebook"):
        # Made directly, as an older Amends or a changed setting could have left it.
        Account.objects.create(
            platform=platform,
            handle="police",
            settings={"server": f"http://127.0.0.1:{port}", "user": "u", "page": "1"},
            secrets=lock({"password": "p", "token": "t"}),
        )
        with pytest.raises(Refused) as refused:
            CheckAccount(None, account=f"{platform}:police", as_operator=True).run()
        assert "127.0.0.1 is a loopback address; only public addresses are allowed" in (
            refused.value.message
        ), platform
    assert not listener.connected()


def test_a_name_that_resolves_to_loopback_is_refused_at_connection(
    production, listener, monkeypatch
):
    port = listener.port
    resolve_to(monkeypatch, {"platform.example": "127.0.0.1"})
    seam = Seam("wordpress")
    with pytest.raises(NotAllowed, match=r"platform\.example resolves to 127\.0\.0\.1, a loopback"):
        seam.request("GET", f"http://platform.example:{port}/wp-json/")
    masto = Mastodon("police", {"server": f"http://platform.example:{port}"}, {"token": "t"})
    with pytest.raises(NotAllowed, match=r"platform\.example resolves to 127\.0\.0\.1, a loopback"):
        masto.check()
    assert not listener.connected()
    # The refusal is kept with the attempt, like any failure to connect.
    assert [e.status for e in seam.take()] == [None]


def test_the_connection_goes_to_the_checked_address_with_the_name_as_host(
    settings, site, monkeypatch
):
    settings.ALLOW_PRIVATE_ADDRESSES = True
    platform = site()
    resolve_to(monkeypatch, {"platform.example": "127.0.0.1"})
    response = Seam("wordpress").request("GET", f"http://platform.example:{platform.port}/")
    assert response.status_code == 200
    assert platform.hosts == [f"platform.example:{platform.port}"]


def test_environment_proxies_are_not_used(settings, site, listener, monkeypatch):
    settings.ALLOW_PRIVATE_ADDRESSES = True
    proxy = f"http://127.0.0.1:{listener.port}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    platform = site()
    assert Seam("wordpress").request("GET", f"{platform.url}/").status_code == 200
    masto = Mastodon("police", {"server": platform.url}, {"token": "t"})
    masto._call(lambda api: api.session.get(f"{platform.url}/"))
    assert len(platform.hosts) == 2
    assert not listener.connected()


# Redirects


def test_a_redirect_is_never_followed(settings, site, listener):
    settings.ALLOW_PRIVATE_ADDRESSES = True
    elsewhere = f"http://127.0.0.1:{listener.port}/secret"
    platform = site(status=302, headers={"Location": elsewhere})
    with pytest.raises(NotAllowed) as by_seam:
        Seam("wordpress").request("GET", f"{platform.url}/wp-json/")
    assert by_seam.value.message == (
        f"wordpress: {platform.url}/wp-json/ answers from {elsewhere} (302, a redirect, which "
        "is never followed); use that address as the server"
    )
    masto = Mastodon("police", {"server": platform.url}, {"token": "t"})
    with pytest.raises(NotAllowed, match="a redirect, which is never followed"):
        masto.check()
    assert not listener.connected()


def test_a_redirect_is_not_followed_for_an_sdk_that_would(settings, site, listener):
    """The Bluesky SDK's own client follows redirects; the seam's does not, and refuses."""
    from amends.connectors.bluesky.connector import Bluesky

    settings.ALLOW_PRIVATE_ADDRESSES = True
    elsewhere = f"http://127.0.0.1:{listener.port}/"
    platform = site(status=307, headers={"Location": elsewhere})
    sky = Bluesky("police.test", {"server": platform.url}, {"password": "p"})
    with pytest.raises(NotAllowed, match="a redirect"):
        sky.check()
    assert not listener.connected()


# What a failed check shows


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (401, "the server refused the credentials (401)"),
        (500, "the server answered 500"),
        (404, "the server answered 404"),
    ],
)
def test_a_failed_check_never_shows_the_servers_answer(db, settings, site, status, says):
    settings.ALLOW_PRIVATE_ADDRESSES = True
    body = b'{"error": "INTERNAL-ONLY redis 7.2 ready", "message": "INTERNAL-ONLY"}'
    platform = site(status=status, body=body)
    Account.objects.create(platform="wordpress", handle="news", settings={"server": platform.url})
    with pytest.raises(Refused) as refused:
        CheckAccount(None, account="wordpress:news", as_operator=True).run()
    assert refused.value.message == f"account: wordpress:news does not work: {says}"


def test_a_check_that_cannot_connect_does_not_say_how(db, settings, listener):
    settings.ALLOW_PRIVATE_ADDRESSES = True
    port = listener.port
    listener.sock.close()  # now nothing listens: the connection is refused
    Account.objects.create(
        platform="wordpress", handle="news", settings={"server": f"http://127.0.0.1:{port}"}
    )
    with pytest.raises(Refused) as refused:
        CheckAccount(None, account="wordpress:news", as_operator=True).run()
    assert refused.value.message == (
        "account: wordpress:news does not work: the server could not be reached"
    )


def test_a_bad_value_for_the_setting_stops_start_up(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            "PATH": "",
            "AMENDS_HOME": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "amends.settings",
            "AMENDS_ALLOW_PRIVATE_ADDRESSES": "sometimes",
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "AMENDS_ALLOW_PRIVATE_ADDRESSES must be true or false (got 'sometimes')" in (
        result.stderr
    )
