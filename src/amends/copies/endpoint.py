"""``POST /webmention`` answered straight from the WSGI layer (amends.site.wsgi), without
Django's request cycle: a sender is told at once, and a busy day's flood of them costs little.
The same answer as the Django view (amends.copies.views), from the same :func:`receive`."""

from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

from amends.copies import pingback
from amends.copies.webmention import receive

LARGEST = 16 * 1024  # two URLs of at most 2,000 characters, form-encoded, with room to spare
STATUS = {
    200: "200 OK",
    202: "202 Accepted",
    400: "400 Bad Request",
    405: "405 Method Not Allowed",
    413: "413 Content Too Large",
    415: "415 Unsupported Media Type",
    429: "429 Too Many Requests",
    503: "503 Service Unavailable",
}


def _answer(
    start_response: Callable, status: int, text: str, *extra, xml: bytes = b""
) -> list[bytes]:
    body = xml or (text + "\n").encode()
    start_response(
        STATUS[status],
        [
            ("Content-Type", "text/xml; charset=utf-8" if xml else "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            *extra,
        ],
    )
    return [body]


def answer(environ: dict, start_response: Callable) -> Iterable[bytes]:
    if environ.get("REQUEST_METHOD") != "POST":
        return _answer(start_response, 405, "Send a Webmention with POST", ("Allow", "POST"))
    kind = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return _answer(start_response, 415, "Send source and target form-encoded")
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 <= length <= LARGEST:
        return _answer(start_response, 413, f"The body must be at most {LARGEST} bytes")
    form = parse_qs(environ["wsgi.input"].read(length).decode("utf-8", "replace"))
    # No database here: the keeper thread keeps the mention (amends.copies.keeping).
    said = receive(form.get("source", [None])[0], form.get("target", [None])[0])
    extra = [("Retry-After", str(said.retry_after))] if said.retry_after is not None else []
    return _answer(start_response, said.status, said.message, *extra)


def pinged(environ: dict, start_response: Callable) -> Iterable[bytes]:
    """``POST /pingback``: a Pingback 1.0 XML-RPC call, kept like a Webmention."""
    if environ.get("REQUEST_METHOD") != "POST":
        return _answer(
            start_response, 405, "Send a pingback.ping call with POST", ("Allow", "POST")
        )
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 <= length <= pingback.LARGEST:
        return _answer(start_response, 413, f"The body must be at most {pingback.LARGEST} bytes")
    body = environ["wsgi.input"].read(length)
    return _answer(start_response, 200, "", xml=pingback.answer(body))
