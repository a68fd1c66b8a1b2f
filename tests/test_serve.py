"""`amends serve`: the real server process, on a fresh database, serving the public site."""

import socket

from tests.conftest import amends
from tests.support.serve import fetch, serving


def test_serve_answers_posts_notices_and_unknown_pages(fresh_database):
    env = fresh_database
    for args in (
        ["user", "add", "alice", "--role", "author"],
        ["user", "add", "sam", "--role", "supervisor"],
        ["account", "add", "house:news"],
        ["post", "house:news", "--text", "Hello from the force", "--as", "alice"],
        ["post", "house:news", "--text", "Named a witness", "--as", "alice"],
        [
            "delete",
            "2",
            "--ground",
            "prejudicial",
            "--explain",
            "Names a witness.",
            "--rationale",
            "Decided in the test.",
            "--as",
            "alice",
        ],
        ["approve", "1", "--rationale", "Decided in the test.", "--as", "sam"],
    ):
        amends(args, env)
    with serving(env, ready="/posts/1/") as served:
        base = served.url
        status, body = fetch(f"{base}/posts/1/")
        assert status == 200
        assert b"Hello from the force" in body
        status, body = fetch(f"{base}/posts/2/")
        assert status == 410
        assert b"Names a witness." in body
        assert b"Named a witness" not in body
        assert fetch(f"{base}/posts/2/", "HEAD") == (410, b"")
        assert fetch(f"{base}/posts/99/")[0] == 404
        assert fetch(f"{base}/")[0] == 200
        assert fetch(f"{base}/.well-known/amends/key")[1].count(b"+") >= 2
    assert f"Amends is serving on {served.url}/" in served.output
    assert "amends user add NAME --role" in served.output


def test_idle_and_half_sent_connections_do_not_stop_the_server(fresh_database):
    """A viral mistake brings clients that open connections and send nothing, or half a
    request. With 100 of them held open (bounded, on loopback), the public site and the desk
    still answer, and a half-sent request is cut off after the header timeout."""
    env = {**fresh_database, "AMENDS_SERVE_HEADER_SECONDS": "1"}
    amends(["account", "add", "house:news"], env)
    held: list[socket.socket] = []
    with serving(env) as served:
        base = served.url
        port = int(base.rsplit(":", 1)[1])
        for n in range(100):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            if n % 2:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # never ends
            held.append(sock)
        # Everyone else is still answered (the client's own timeout is the only clock here).
        assert fetch(f"{base}/")[0] == 200
        assert fetch(f"{base}/desk/sign-in/")[0] == 200
        # The half-sent requests are cut off by the server once the header timeout passes.
        half = held[1]
        half.settimeout(15)
        try:
            left = half.recv(4096)
            while left and not left.endswith(b"\r\n\r\n") and b"408" not in left:
                left = half.recv(4096)
            closed = True
        except ConnectionResetError:
            closed = True
        except TimeoutError:
            closed = False
        for sock in held:
            sock.close()
        assert closed, "a half-sent request was kept open past the header timeout"


def test_links_follow_the_port_served_on_when_no_site_url_is_set(fresh_database):
    """The feed, the pages' links and their JSON-LD name the address `amends serve` was started
    on, also for pages rendered later by a command in another terminal."""
    env = {k: v for k, v in fresh_database.items() if k != "AMENDS_SITE_URL"}
    amends(["user", "add", "alice", "--role", "author"], env)
    amends(["account", "add", "house:news"], env)
    amends(["post", "house:news", "--text", "Before serving", "--as", "alice"], env)
    with serving(env) as served:
        base = served.url
        status, feed = fetch(f"{base}/feed.atom")
        assert status == 200
        assert f"{base}/posts/1/".encode() in feed
        assert b"127.0.0.1:8000" not in feed
        out = amends(["post", "house:news", "--text", "After serving", "--as", "alice"], env)
        assert f"{base}/posts/2/" in out.stdout
        page = fetch(f"{base}/posts/2/")[1]
        assert f"{base}/posts/2/".encode() in page
