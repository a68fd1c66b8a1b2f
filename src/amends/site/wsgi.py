"""A thin WSGI layer that serves the rendered public site without entering Django.

Public pages are plain files; going through Django's request cycle for each would cost several
times the work of reading them. Anything that is not a public file (the desk, the API, a 404)
goes on to Django.

Pages are kept in memory once read, and each request checks with one ``stat`` that the file is
still the one read: a page is re-rendered by writing a new file and renaming it over the old
(a new inode), possibly by another process, so a changed page is served from the next request
on, never a stale one.
"""

import os
from collections.abc import Callable, Iterable

from amends.site.views import TYPES, locate

STATUS = {200: "200 OK", 410: "410 Gone"}
# Public pages run no script and load nothing but their own stylesheet (the JSON-LD block is
# data, not script); the policy says so, so an injected tag could do nothing.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("Cache-Control", "public, max-age=60"),
    # Where other sites send a Webmention when they link to a page (W3C Webmention).
    ("Link", '</webmention>; rel="webmention"'),
]
HSTS = ("Strict-Transport-Security", "max-age=31536000")
CACHE_BYTES = 32 * 1024 * 1024  # per server process; pages are a few kilobytes each
LARGEST = 1024 * 1024  # bigger files (a long feed) are read from disk every time


def pingback_header() -> tuple[str, str]:
    """Where blogs send a Pingback (1.0) when they link to a page: an absolute URL, as the
    spec asks."""
    from django.conf import settings

    return ("X-Pingback", f"{settings.SITE_URL}/pingback")


class Page:
    """A public file as read, with what identifies that version of it on disk."""

    __slots__ = ("absent", "body", "file", "headers", "status", "version")

    def __init__(self, file: str, version: tuple, status: int, body: bytes, absent: str | None):
        self.file, self.version, self.body, self.absent = file, version, body, absent
        self.status = STATUS[status]
        content_type = TYPES.get(os.path.splitext(file)[1], "text/plain; charset=utf-8")
        self.headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            *SECURITY_HEADERS,
            pingback_header(),
        ]

    def current(self) -> bool:
        """Whether the file on disk is still the one read (and, for a deletion notice, no
        page has come back beside it)."""
        try:
            found = os.stat(self.file)
        except OSError:
            return False
        if (found.st_ino, found.st_mtime_ns, found.st_size) != self.version:
            return False
        return self.absent is None or not os.path.exists(self.absent)


def read(path: str) -> Page | None:
    """The public page for a URL path, read from disk, or None when there is none."""
    found = locate(path.lstrip("/"))
    if found is None:
        return None
    file, status = found
    try:
        with open(file, "rb") as handle:
            version = os.fstat(handle.fileno())
            body = handle.read()
    except OSError:
        return None
    absent = str(file.with_name("index.html")) if status == 410 else None
    return Page(
        str(file), (version.st_ino, version.st_mtime_ns, version.st_size), status, body, absent
    )


class PublicFiles:
    """The WSGI application: public pages from memory or disk, everything else to Django."""

    def __init__(self, django_app: Callable, *, site_url: str | None = None):
        from django.conf import settings

        self.django_app = django_app
        self.pages: dict[str, Page] = {}  # by URL path, the oldest read first
        self.held = 0
        self.site_url = (site_url or settings.SITE_URL).rstrip("/")
        self.https = self.site_url.startswith("https://")

    def _plain_http(self, environ: dict) -> bool:
        """Whether the request came over plain HTTP to a site that is served over HTTPS. The
        proxy in front says how the client came (``X-Forwarded-Proto``), as the desk trusts."""
        scheme = environ.get("HTTP_X_FORWARDED_PROTO") or environ.get("wsgi.url_scheme")
        return self.https and scheme != "https"

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if environ.get("PATH_INFO") == "/webmention":
            # Other sites say they link to a post: answered here, checked later by the worker.
            from amends.copies.endpoint import answer

            return answer(environ, start_response)
        if environ.get("PATH_INFO") == "/pingback":
            from amends.copies.endpoint import pinged

            return pinged(environ, start_response)
        if method != "GET" and method != "HEAD":
            return self.django_app(environ, start_response)
        path = environ.get("PATH_INFO", "/")
        # A load balancer checks health over plain HTTP on the inside: never redirected.
        inside = path.startswith(("/desk/", "/api/")) or path in ("/healthz", "/metrics")
        if self._plain_http(environ) and not inside:
            # To the same page on the site's own HTTPS address (never the Host header's).
            query = environ.get("QUERY_STRING")
            location = f"{self.site_url}{path}" + (f"?{query}" if query else "")
            start_response(
                "301 Moved Permanently",
                [("Location", location), ("Content-Length", "0"), *SECURITY_HEADERS[:3]],
            )
            return [b""]
        page = self.pages.get(path)
        if page is None or not page.current():
            if path.startswith(("/desk/", "/api/")):
                return self.django_app(environ, start_response)
            page = read(path)
            if page is None:
                return self.django_app(environ, start_response)
            self.keep(path, page)
        start_response(page.status, [*page.headers, HSTS] if self.https else page.headers)
        return [b""] if method == "HEAD" else [page.body]

    def keep(self, path: str, page: Page) -> None:
        if len(page.body) > LARGEST:
            return
        old = self.pages.pop(path, None)
        self.held -= len(old.body) if old else 0
        while self.pages and self.held + len(page.body) > CACHE_BYTES:
            self.held -= len(self.pages.pop(next(iter(self.pages))).body)
        self.pages[path] = page
        self.held += len(page.body)
