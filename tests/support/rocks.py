"""The 23 discovery tests of webmention.rocks, re-created as a local site: each ``/test/N``
advertises its Webmention endpoint the way the original does (HTTP ``Link`` headers in odd
forms, ``<link>`` and ``<a>`` elements, decoys in comments, escaped text and wrong ``rel``
values, an empty ``href``, a query string, a path-relative URL, a redirect), and every POST that
reaches the site is kept, so a test can see where a sender sent and what.

``CASES`` maps each test's number to what it checks and the path (with query) where a correct
sender posts. Anything posted to a path with ``error`` in it is a sender's mistake.
"""

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs

HTML = "text/html; charset=utf-8"


def _page(n: int, head: str = "", body: str = "") -> bytes:
    return (
        f"<!doctype html><html><head><title>Discovery Test #{n}</title>{head}</head>"
        f"<body><h1>Discovery Test #{n}</h1>{body}</body></html>"
    ).encode()


# number -> (what it checks, headers, body, where a correct sender posts)
CASES: dict[int, tuple[str, list[tuple[str, str]], bytes, str]] = {
    1: (
        "HTTP Link header, unquoted rel, relative URL",
        [("Link", "</test/1/webmention?head=true>; rel=webmention")],
        _page(1),
        "/test/1/webmention?head=true",
    ),
    2: (
        "HTTP Link header, unquoted rel, absolute URL",
        [("Link", "<{base}/test/2/webmention?head=true>; rel=webmention")],
        _page(2),
        "/test/2/webmention?head=true",
    ),
    3: (
        "HTML <link> tag, relative URL",
        [],
        _page(3, '<link rel="webmention" href="/test/3/webmention">'),
        "/test/3/webmention",
    ),
    4: (
        "HTML <link> tag, absolute URL",
        [],
        _page(4, '<link rel="webmention" href="{base}/test/4/webmention">'),
        "/test/4/webmention",
    ),
    5: (
        "HTML <a> tag, relative URL",
        [],
        _page(5, body='<a rel="webmention" href="/test/5/webmention">endpoint</a>'),
        "/test/5/webmention",
    ),
    6: (
        "HTML <a> tag, absolute URL",
        [],
        _page(6, body='<a rel="webmention" href="{base}/test/6/webmention">endpoint</a>'),
        "/test/6/webmention",
    ),
    7: (
        "HTTP Link header with strange casing",
        [("LinK", "<{base}/test/7/webmention?head=true>; rel=webmention")],
        _page(7),
        "/test/7/webmention?head=true",
    ),
    8: (
        "HTTP Link header, quoted rel",
        [("Link", '<{base}/test/8/webmention?head=true>; rel="webmention"')],
        _page(8),
        "/test/8/webmention?head=true",
    ),
    9: (
        "Multiple rel values on a <link> tag",
        [],
        _page(9, '<link rel="webmention somethingelse" href="/test/9/webmention">'),
        "/test/9/webmention",
    ),
    10: (
        "Multiple rel values on a Link header",
        [("Link", '<{base}/test/10/webmention?head=true>; rel="webmention somethingelse"')],
        _page(10),
        "/test/10/webmention?head=true",
    ),
    11: (
        "Multiple Webmention endpoints advertised: Link, <link>, <a>",
        [("Link", "<{base}/test/11/webmention>; rel=webmention")],
        _page(
            11,
            '<link rel="webmention" href="/test/11/error">',
            '<a rel="webmention" href="/test/11/error">error</a>',
        ),
        "/test/11/webmention",
    ),
    12: (
        "Checking for exact match of rel=webmention",
        [],
        _page(
            12,
            '<link rel="not-webmention" href="/test/12/error">'
            '<link rel="webmention" href="/test/12/webmention">',
        ),
        "/test/12/webmention",
    ),
    13: (
        "False endpoint inside an HTML comment",
        [],
        _page(
            13,
            body='<!-- <a rel="webmention" href="/test/13/error">error</a> -->'
            '<a rel="webmention" href="/test/13/webmention">endpoint</a>',
        ),
        "/test/13/webmention",
    ),
    14: (
        "False endpoint in escaped HTML",
        [],
        _page(
            14,
            body='<code>&lt;a href="/test/14/error" rel="webmention"&gt;&lt;/a&gt;</code>'
            '<a rel="webmention" href="/test/14/webmention">endpoint</a>',
        ),
        "/test/14/webmention",
    ),
    15: (
        "Webmention href is an empty string",
        [],
        _page(15, '<link rel="webmention" href="">'),
        "/test/15",
    ),
    16: (
        "Multiple Webmention endpoints advertised: <a>, <link>",
        [],
        _page(
            16,
            body='<a rel="webmention" href="/test/16/webmention">endpoint</a>'
            '<link rel="webmention" href="/test/16/error">',
        ),
        "/test/16/webmention",
    ),
    17: (
        "Multiple Webmention endpoints advertised: <link>, <a>",
        [],
        _page(
            17,
            body='<link rel="webmention" href="/test/17/webmention">'
            '<a rel="webmention" href="/test/17/error">error</a>',
        ),
        "/test/17/webmention",
    ),
    18: (
        "Multiple HTTP Link headers",
        [
            ("Link", '<{base}/test/18/error>; rel="other"'),
            ("Link", '<{base}/test/18/webmention?head=true>; rel="webmention"'),
        ],
        _page(18),
        "/test/18/webmention?head=true",
    ),
    19: (
        "Single HTTP Link header with multiple values",
        [
            (
                "Link",
                '<{base}/test/19/error>; rel="other", '
                '<{base}/test/19/webmention?head=true>; rel="webmention"',
            )
        ],
        _page(19),
        "/test/19/webmention?head=true",
    ),
    20: (
        "Link tag with no href attribute",
        [],
        _page(
            20,
            '<link rel="webmention">',
            '<a rel="webmention" href="/test/20/webmention">endpoint</a>',
        ),
        "/test/20/webmention",
    ),
    21: (
        "Webmention endpoint has query string parameters",
        [],
        _page(21, '<link rel="webmention" href="/test/21/webmention?query=yes">'),
        "/test/21/webmention?query=yes",
    ),
    22: (
        "Webmention endpoint is relative to the path",
        [],
        _page(22, '<link rel="webmention" href="22/webmention">'),
        "/test/22/webmention",
    ),
    23: (
        "Webmention target is a redirect and the endpoint is relative",
        [("Location", "/test/23/page/k3y")],
        b"",
        "/test/23/page/webmention-endpoint/k3y",
    ),
}
REDIRECTED = _page(23, '<link rel="webmention" href="webmention-endpoint/k3y">')


@dataclass
class Rocks:
    base: str
    received: list[tuple[str, dict]] = field(default_factory=list)  # (path, form) of each POST
    fetched: list[str] = field(default_factory=list)


def _handler(rocks: Rocks):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            rocks.fetched.append(self.path)
            if self.path == "/test/23/page":
                self._answer(302, CASES[23][1], b"")
                return
            if self.path == "/test/23/page/k3y":
                self._answer(200, [("Content-Type", HTML)], REDIRECTED)
                return
            number = self.path.removeprefix("/test/")
            if number.isdigit() and int(number) in CASES:
                _, headers, body, _ = CASES[int(number)]
                headers = [(k, v.format(base=rocks.base)) for k, v in headers]
                page = body.decode().replace("{base}", rocks.base).encode()
                self._answer(200, [("Content-Type", HTML), *headers], page)
                return
            self._answer(404, [("Content-Type", "text/plain")], b"not here")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            rocks.received.append((self.path, {k: v[0] for k, v in form.items()}))
            self._answer(202, [("Content-Type", "text/plain")], b"Accepted")

        def _answer(self, status, headers, body):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def target(rocks: Rocks, n: int) -> str:
    return f"{rocks.base}/test/23/page" if n == 23 else f"{rocks.base}/test/{n}"


@contextmanager
def serving() -> Iterator[Rocks]:
    rocks = Rocks(base="")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(rocks))
    rocks.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield rocks
    finally:
        server.shutdown()
        server.server_close()
