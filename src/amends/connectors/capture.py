"""What a platform answered, kept exactly: the HTTP exchanges of an adoption as WARC records
(ISO 28500, WARC/1.1), the format web archives keep pages in, written with the Internet
Archive's ``warcio``.

Each exchange is a ``request`` record and a ``response`` record with the bytes the platform
sent (status line, headers, body), linked by ``WARC-Concurrent-To``. What would let a reader act
as the force is never kept: the requests' ``Authorization``, ``Cookie`` and
``Proxy-Authorization`` headers are removed (the ``warcinfo`` record says so), and exchanges
whose answers are credentials (sign-ins, token calls) are not captured at all. A capture holds
the post's wording, so it is sealed with the post's other wording when the post is taken down.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from amends import __version__
from amends.connectors.http import Seam

REMOVED = ("authorization", "cookie", "proxy-authorization")
DECODED = ("content-encoding", "transfer-encoding", "content-length")


@dataclass(frozen=True)
class Capture:
    warc: bytes  # gzip-compressed WARC records, one member each
    exchanges: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.warc).hexdigest()


@contextmanager
def capturing(seam: Seam) -> Iterator[list[tuple[httpx.Request, httpx.Response]]]:
    """Keep every exchange made through ``seam`` inside the block (see :func:`warc`)."""
    kept: list[tuple[httpx.Request, httpx.Response]] = []
    seam.captured = kept
    try:
        yield kept
    finally:
        seam.captured = None


def warc(exchanges: list[tuple[httpx.Request, httpx.Response]], *, why: str) -> Capture:
    """The exchanges as WARC records, after a ``warcinfo`` record saying ``why`` and what was
    left out."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="WARC/1.1")
    info = {
        "software": f"Amends/{__version__}",
        "format": "WARC File Format 1.1",
        "description": why,
        "removed": "request headers " + ", ".join(REMOVED) + " (credentials); response "
        "bodies are kept decoded, without their Content-Encoding and Transfer-Encoding",
    }
    writer.write_record(writer.create_warcinfo_record("capture.warc.gz", info))
    for request, response in exchanges:
        url = str(request.url)
        sent = StatusAndHeaders(
            f"{request.method} {request.url.raw_path.decode('ascii')} HTTP/1.1",
            [(k, v) for k, v in request.headers.items() if k.lower() not in REMOVED],
            is_http_request=True,
        )
        asked = writer.create_warc_record(
            url, "request", payload=io.BytesIO(request.content), http_headers=sent
        )
        # The body as decoded by the client: its transfer and content codings are gone, so
        # their headers go too, and the length is the decoded body's.
        headers = [(k, v) for k, v in response.headers.items() if k.lower() not in DECODED] + [
            ("Content-Length", str(len(response.content)))
        ]
        got = StatusAndHeaders(
            f"{response.status_code} {response.reason_phrase}",
            headers,
            protocol=response.http_version or "HTTP/1.1",
        )
        answered = writer.create_warc_record(
            url, "response", payload=io.BytesIO(response.content), http_headers=got
        )
        asked.rec_headers.add_header("WARC-Concurrent-To", answered.rec_headers["WARC-Record-ID"])
        writer.write_record(answered)
        writer.write_record(asked)
    return Capture(out.getvalue(), len(exchanges))
