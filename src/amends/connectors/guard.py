"""The connect-time guard of every outbound request (see :mod:`amends.connectors.addresses`).

For httpx (the seam's own client and the SDKs given it), :class:`PublicTransport` resolves the
host, refuses any non-public address, and connects to the address it checked — keeping the
``Host`` header and the TLS server name, so certificates are still checked against the name —
so a DNS answer that changes between the check and the connection cannot slip through. For
requests (Mastodon.py), :func:`public_adapter` checks the host before each request. Redirects are
never followed by either: the seam's client does not follow them, and the requests session
refuses them.
"""

from __future__ import annotations

import httpx
from django.conf import settings

from amends.connectors.addresses import resolve


def private_allowed() -> bool:
    return bool(getattr(settings, "ALLOW_PRIVATE_ADDRESSES", False))


def _port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


class PublicTransport(httpx.BaseTransport):
    """Connects only to public addresses (unless ``AMENDS_ALLOW_PRIVATE_ADDRESSES``).

    One connection pool per host name: connections are made to the checked address, so two
    names on one address must never share a connection verified for the other."""

    def __init__(self, make=lambda: httpx.HTTPTransport(retries=0)):
        self.make = make
        self.pools: dict[str, httpx.BaseTransport] = {}

    def _pool(self, host: str) -> httpx.BaseTransport:
        if host not in self.pools:
            self.pools[host] = self.make()
        return self.pools[host]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        pool = self._pool(host)
        if private_allowed():
            return pool.handle_request(request)
        address = resolve(host, _port(request.url))[0]
        if address != host:
            request.url = request.url.copy_with(host=address)
            request.extensions = {**request.extensions, "sni_hostname": host}
            # httpx set Host from the original URL when the request was built; it stays.
        return pool.handle_request(request)

    def close(self) -> None:
        for pool in self.pools.values():
            pool.close()


def public_adapter():
    """A requests adapter that refuses non-public addresses before each request."""
    from urllib.parse import urlsplit

    from requests.adapters import HTTPAdapter

    class PublicAdapter(HTTPAdapter):
        def send(self, request, *args, **kwargs):
            if not private_allowed():
                parts = urlsplit(request.url)
                port = parts.port or (443 if parts.scheme == "https" else 80)
                resolve(parts.hostname or "", port)
            return super().send(request, *args, **kwargs)

    return PublicAdapter()
