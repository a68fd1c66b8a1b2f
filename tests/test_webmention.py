"""Webmention (W3C) and Pingback 1.0, receiving: the endpoint answers at once and keeps the
mention; the worker's check fetches the source (real HTTP on loopback) through the outbound
guard and records a copy when it links to the post — with the revision its words show — and the
copy gone when it no longer does or answers 410. One source sending 10,000 is held to its hourly
allowance while mentions from others still come in."""

import http.server
import threading
import xmlrpc.client
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.actions import Correct, Publish
from amends.copies.keeping import _lock_key
from amends.copies.models import KnownCopy, Webmention
from amends.copies.webmention import receive, verify_due
from amends.record import api as record

TARGET = "https://news.police.example/posts/{pk}/"
WRONG = "Officers are looking for a red Ford Focus seen leaving Heol y Castell at 9pm on Tuesday."
RIGHT = (
    "Officers are looking for a grey Vauxhall Astra seen leaving Heol y Castell at 9pm on Tuesday."
)


class Pages(http.server.BaseHTTPRequestHandler):
    """Serves ``pages``: path -> (status, content type, body, extra headers)."""

    pages: dict = {}
    seen: list = []

    def do_GET(self):
        self.seen.append(self.path)
        status, kind, body, headers = self.pages.get(self.path, (404, "text/plain", b"", {}))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def web():
    Pages.pages, Pages.seen = {}, []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Pages, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def post(people, settings):
    settings.SITE_URL = "https://news.police.example"
    published = Publish(people.alice, account="house:news", text=WRONG).run()
    Correct(people.alice, post=published.pk, text=RIGHT, reason="The wrong car").run()
    return published


def page(*links: str, words: str = "") -> bytes:
    anchors = "".join(f'<p><a href="{link}">the post</a></p>' for link in links)
    return f"<!doctype html><title>Forum</title><blockquote>{words}</blockquote>{anchors}".encode()


def test_the_endpoint_answers_at_once_and_keeps_the_mention(client, post, web):
    pages, base = web
    target = f"https://news.police.example/posts/{post.pk}/"
    answer = client.post("/webmention", {"source": f"{base}/t/1", "target": target})
    assert answer.status_code == 202
    assert answer.content == b"Accepted: the source will be checked\n"
    assert pages.seen == []  # nothing fetched while the sender waits
    mention = Webmention.objects.get()
    assert (mention.state, mention.post_id, mention.host) == ("pending", post.pk, "127.0.0.1")
    # Sent again (the source changed): checked again, still one mention.
    assert (
        client.post("/webmention", {"source": f"{base}/t/1", "target": target}).status_code == 202
    )
    assert Webmention.objects.count() == 1
    assert client.get("/webmention").status_code == 405


@pytest.mark.parametrize(
    ("source", "target", "says"),
    [
        ("", "https://news.police.example/posts/{pk}/", "source: must be an http or https URL"),
        ("ftp://x.example/", "https://news.police.example/posts/{pk}/", "source: must be an http"),
        ("https://x.example/", "https://elsewhere.example/posts/{pk}/", "target: is not a post"),
        ("https://x.example/", "https://news.police.example/about/", "target: is not a post"),
        ("https://x.example/", "https://news.police.example/posts/99999/", "target: is not a post"),
        (
            "https://news.police.example/posts/{pk}/",
            "https://news.police.example/posts/{pk}/",
            "source: must not be the target itself",
        ),
    ],
)
def test_a_bad_mention_is_one_clear_line_and_kept_nowhere(client, post, source, target, says):
    answer = client.post(
        "/webmention",
        {"source": source.format(pk=post.pk), "target": target.format(pk=post.pk)},
    )
    assert answer.status_code == 400
    assert answer.content.decode().startswith(says)
    assert not Webmention.objects.exists()


def test_ten_thousand_from_one_source_are_held_back_and_others_still_come_in(post, settings):
    target = f"https://news.police.example/posts/{post.pk}/"
    statuses = [receive(f"https://spam.example/p/{n}", target).status for n in range(10_000)]
    assert statuses.count(202) == settings.WEBMENTION_PER_HOST
    assert statuses.count(429) == 10_000 - settings.WEBMENTION_PER_HOST
    held = receive("https://spam.example/p/last", target)
    assert (held.status, held.retry_after) == (429, 3600)
    for n in range(5):
        assert receive(f"https://blog{n}.example/a-post", target).status == 202
    assert Webmention.objects.exclude(host="spam.example").count() == 5


def test_a_source_that_links_is_recorded_as_a_copy_of_the_revision_it_shows(post, web):
    pages, base = web
    target = f"https://news.police.example/posts/{post.pk}/"
    pages.pages["/t/1"] = (200, "text/html; charset=utf-8", page(target, words=WRONG), {})
    pages.pages["/t/2"] = (200, "text/html", page(target + "#comments", words=RIGHT), {})
    pages.pages["/t/3"] = (200, "text/html", page("https://other.example/"), {})
    for n in (1, 2, 3):
        assert receive(f"{base}/t/{n}", target).status == 202
    assert verify_due() == 3
    first, second = KnownCopy.objects.order_by("pk")
    assert (first.url, first.found_by, first.revision) == (f"{base}/t/1", "webmention", 1)
    assert second.revision == 2
    [entry] = record.latest_of_kind("copy.found", limit=1)
    assert entry.data["url"] == f"{base}/t/2"
    assert entry.actor is None  # Amends itself, once it had checked
    states = dict(Webmention.objects.values_list("source", "state"))
    assert states == {f"{base}/t/1": "verified", f"{base}/t/2": "verified", f"{base}/t/3": "gone"}

    # The source drops the link, and says so again: the copy is gone. A 410 is gone too.
    pages.pages["/t/1"] = (200, "text/html", page(words="We removed the link."), {})
    pages.pages["/t/2"] = (410, "text/html", b"gone", {})
    receive(f"{base}/t/1", target)
    receive(f"{base}/t/2", target)
    verify_due()
    assert all(c.gone_at is not None for c in KnownCopy.objects.all())
    assert len(record.latest_of_kind("copy.gone")) == 2


def test_redirects_are_followed_a_few_times_and_size_is_limited(post, web):
    pages, base = web
    target = f"https://news.police.example/posts/{post.pk}/"
    for n in range(7):
        pages.pages[f"/r/{n}"] = (302, "text/plain", b"", {"Location": f"/r/{n + 1}"})
    pages.pages["/r/7"] = (200, "text/html", page(target), {})
    pages.pages["/r/3x"] = (301, "text/plain", b"", {"Location": "/r/7"})
    pages.pages["/big"] = (200, "text/html", page(target) + b" " * (1024 * 1024 + 1), {})
    pages.pages["/plain"] = (200, "text/plain", f"see {target} for details".encode(), {})
    for path in ("/r/0", "/r/3x", "/big", "/plain"):
        receive(base + path, target)
    verify_due()
    state = {m.source[len(base) :]: (m.state, m.problem) for m in Webmention.objects.all()}
    assert state["/r/0"] == ("refused", "the source could not be read: more than 5 redirects")
    assert state["/r/3x"][0] == "verified"
    assert state["/big"] == (
        "refused",
        "the source could not be read: the source is larger than 1 MB",
    )
    assert state["/plain"][0] == "verified"


def test_a_source_on_a_private_address_is_never_fetched(post, web, settings):
    pages, base = web
    settings.ALLOW_PRIVATE_ADDRESSES = False
    target = f"https://news.police.example/posts/{post.pk}/"
    pages.pages["/t/1"] = (200, "text/html", page(target), {})
    receive(f"{base}/t/1", target)
    verify_due()
    mention = Webmention.objects.get()
    assert mention.state == "refused"
    assert "could not be read" in mention.problem
    assert pages.seen == []  # no connection was made
    assert not KnownCopy.objects.exists()


def test_every_public_page_says_where_to_send_a_webmention(post, settings, client):
    from pathlib import Path

    from amends.site.render import render_all

    render_all()
    html = (Path(settings.SITE_DIR) / f"posts/{post.pk}/index.html").read_text()
    assert '<link rel="webmention" href="/webmention">' in html
    from amends.site.wsgi import SECURITY_HEADERS

    assert ("Link", '</webmention>; rel="webmention"') in SECURITY_HEADERS


def test_the_endpoint_is_answered_before_django_with_the_same_answers(post):
    """What `amends serve` runs: the public WSGI layer answers /webmention itself."""
    import io
    from urllib.parse import urlencode
    from wsgiref.util import setup_testing_defaults

    from amends.wsgi import application

    def call(method: str, body: bytes = b"", kind="application/x-www-form-urlencoded"):
        environ: dict = {}
        setup_testing_defaults(environ)
        environ.update(
            REQUEST_METHOD=method,
            PATH_INFO="/webmention",
            CONTENT_TYPE=kind,
            CONTENT_LENGTH=str(len(body)),
        )
        environ["wsgi.input"] = io.BytesIO(body)
        said = {}

        def start(status, headers):
            said.update(status=status, headers=dict(headers))

        said["body"] = b"".join(application(environ, start))
        return said

    target = f"https://news.police.example/posts/{post.pk}/"
    form = urlencode({"source": "https://blog.example/a", "target": target}).encode()
    accepted = call("POST", form)
    assert accepted["status"] == "202 Accepted"
    assert accepted["body"] == b"Accepted: the source will be checked\n"
    assert Webmention.objects.filter(source="https://blog.example/a").exists()
    bad = call("POST", urlencode({"source": "x", "target": target}).encode())
    assert (bad["status"], bad["body"]) == (
        "400 Bad Request",
        b"source: must be an http or https URL\n",
    )
    assert call("GET")["headers"]["Allow"] == "POST"
    assert call("POST", b"{}", kind="application/json")["status"].startswith("415")
    assert call("POST", b"x" * 20000)["status"].startswith("413")


# Pingback 1.0, receiving: an XML-RPC ``pingback.ping`` is kept like a Webmention and checked
# later, its copy found by ``pingback``; every wrong call gets the spec's fault and one line; the
# public pages say where to send one (``X-Pingback`` and ``<link rel="pingback">``).
def call(client, *params, method="pingback.ping", path="/pingback"):
    body = xmlrpc.client.dumps(params, method)
    answer = client.post(path, body, content_type="text/xml")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/xml")
    return xmlrpc.client.loads(answer.content)[0][0]


def test_a_pingback_is_kept_then_checked_and_recorded_as_a_copy(client, post, web):
    pages, base = web
    target = TARGET.format(pk=post.pk)
    pages.pages["/blog/1"] = (200, "text/html", page(target, words=WRONG), {})
    said = call(client, f"{base}/blog/1", target)
    assert said == "Pingback received: the source will be checked"
    assert pages.seen == []  # nothing fetched while the blog waits
    assert Webmention.objects.get().protocol == "pingback"
    assert verify_due() == 1
    copy = KnownCopy.objects.get()
    assert (copy.url, copy.found_by, copy.revision) == (f"{base}/blog/1", "pingback", 1)


@pytest.mark.parametrize(
    ("params", "method", "code", "says"),
    [
        (("ftp://x.example/", TARGET), "pingback.ping", 0x0010, "source: must be an http"),
        (("https://x.example/", "not a url"), "pingback.ping", 0x0020, "target: must be an http"),
        (("https://x.example/", "https://elsewhere.example/"), "pingback.ping", 0x0021, "target:"),
        (("https://x.example/",), "pingback.ping", -32602, "pingback.ping takes two strings"),
        (("https://x.example/", TARGET), "system.listMethods", -32601, "system.listMethods: not"),
    ],
)
def test_a_wrong_call_is_a_fault_with_one_clear_line(client, post, params, method, code, says):
    params = tuple(p.format(pk=post.pk) for p in params)
    with pytest.raises(xmlrpc.client.Fault) as fault:
        call(client, *params, method=method)
    assert fault.value.faultCode == code
    assert fault.value.faultString.startswith(says)
    assert not Webmention.objects.exists()


def test_not_xml_rpc_at_all_is_a_fault_too(client, post):
    answer = client.post("/pingback", b"<not-closed", content_type="text/xml")
    with pytest.raises(xmlrpc.client.Fault) as fault:
        xmlrpc.client.loads(answer.content)
    assert fault.value.faultCode == -32700
    assert client.post("/pingback", b"x" * 20000, content_type="text/xml").status_code == 413
    assert client.get("/pingback").status_code == 405


def test_past_the_hourly_allowance_a_host_is_refused(client, post, settings):
    settings.WEBMENTION_PER_HOST = 2
    target = TARGET.format(pk=post.pk)
    for n in range(2):
        call(client, f"https://blog.example/{n}", target)
    with pytest.raises(xmlrpc.client.Fault) as fault:
        call(client, "https://blog.example/3", target)
    assert fault.value.faultCode == 0x0031
    assert Webmention.objects.count() == 2


def test_the_public_pages_say_where_to_send_a_pingback(client, post, settings):
    from pathlib import Path

    from amends.site.render import render_all

    render_all()
    html = (Path(settings.SITE_DIR) / f"posts/{post.pk}/index.html").read_text()
    assert '<link rel="pingback" href="https://news.police.example/pingback">' in html
    answer = client.get(f"/posts/{post.pk}/")
    assert answer["X-Pingback"] == "https://news.police.example/pingback"


def test_the_endpoint_is_answered_before_django(post):
    """What `amends serve` runs: the public WSGI layer answers /pingback itself, and its pages
    carry the header."""
    import io
    from wsgiref.util import setup_testing_defaults

    from amends.site.render import render_all
    from amends.wsgi import application

    render_all()

    def request(method: str, path: str, body: bytes = b""):
        environ: dict = {}
        setup_testing_defaults(environ)
        environ.update(
            REQUEST_METHOD=method,
            PATH_INFO=path,
            CONTENT_TYPE="text/xml",
            CONTENT_LENGTH=str(len(body)),
            HTTP_X_FORWARDED_PROTO="https",
        )
        environ["wsgi.input"] = io.BytesIO(body)
        said: dict = {}

        def start(status, headers):
            said.update(status=status, headers=dict(headers))

        said["body"] = b"".join(application(environ, start))
        return said

    body = xmlrpc.client.dumps(
        ("https://blog.example/a", TARGET.format(pk=post.pk)), "pingback.ping"
    ).encode()
    kept = request("POST", "/pingback", body)
    assert kept["status"] == "200 OK"
    assert xmlrpc.client.loads(kept["body"])[0][0].startswith("Pingback received")
    assert Webmention.objects.filter(source="https://blog.example/a", protocol="pingback")
    shown = request("GET", f"/posts/{post.pk}/")
    assert shown["status"] == "200 OK"
    assert shown["headers"]["X-Pingback"] == "https://news.police.example/pingback"
    assert request("GET", "/pingback")["headers"]["Allow"] == "POST"


@given(st.text(min_size=1, max_size=255))
def test_every_host_has_a_postgresql_lock_key_the_same_in_every_process(host):
    # An advisory lock key takes a signed 32-bit number; Python's own hash differs per process.
    key = _lock_key(host)
    assert -(2**31) <= key < 2**31
    assert key == zlib.crc32(host.encode()) - 2**31
