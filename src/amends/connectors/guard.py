"""The connect-time guard on outbound HTTP: public addresses only, no redirects, no proxies.

:func:`transport` is the httpx transport under every Seam. It resolves the host itself, checks
every address it resolves to (:mod:`amends.connectors.addresses`), and connects to an address
it checked, so a name that resolves to a public address when checked and to a private one when
connected (DNS rebinding) cannot get through. The URL keeps its host name, so the Host header,
TLS server name and certificate check are those of the name, as without the guard.

Redirects are never followed (the Seam's client does not follow them, and the Seam refuses an
answer that asks to), so a public server cannot send Amends on to a private one. The
environment's proxy settings are not used (``trust_env=False``): a proxy would make the
connection on Amends' behalf, past the check.

``AMENDS_ALLOW_PRIVATE_ADDRESSES`` (read at every connection, so tests can change it) lets
loopback and private addresses through, for tests and deployments on a private network.
"""

from __future__ import annotations

import httpcore
import httpx
from django.conf import settings

from amends.connectors import addresses


def private_allowed() -> bool:
    return bool(getattr(settings, "ALLOW_PRIVATE_ADDRESSES", False))


class _PublicOnly(httpcore.SyncBackend):
    """httpcore's own sockets, opened only to addresses that passed the check."""

    def connect_tcp(
        self, host, port, timeout=None, local_address=None, socket_options=None
    ) -> httpcore.NetworkStream:
        try:  # NotPublic goes through httpcore and httpx untouched, to the Seam
            checked = addresses.resolve(host, port, private=private_allowed())
        except OSError as error:
            raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from None
        last: Exception | None = None
        for address in checked:  # in the resolver's order, as socket.create_connection does
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last = error
        assert last is not None  # getaddrinfo answers at least one address or raises
        raise last


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport on the guarded network backend, without the environment's proxies."""

    def __init__(self, *, retries: int = 0):
        super().__init__(trust_env=False, retries=retries)
        # httpx takes no network backend of its own, so its connection pool is made again
        # here with the same settings and ours. The connect-time test (a loopback listener
        # that must never see a connection) fails if this stops taking effect.
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            retries=retries,
            network_backend=_PublicOnly(),
        )


def transport() -> httpx.BaseTransport:
    return GuardedTransport(retries=0)


def refused_redirect(platform: str, request: httpx.Request, response: httpx.Response) -> str | None:
    """What to say of an answer that asks to be sent elsewhere, or None when it does not."""
    if not response.has_redirect_location:
        return None
    where = response.headers["location"].split("?", 1)[0]
    return (
        f"{platform}: {str(request.url).split('?', 1)[0]} answers from {where} "
        f"({response.status_code}, a redirect, which is never followed); use that address as "
        "the server"
    )


def server_refusal(url: str) -> str | None:
    """Why an account's server may not be used, or None. A name that does not resolve now is
    not refused: the check at every connection judges it when it does."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return "must be a URL starting with https:// or http://"
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses.resolve(parsed.host, port, private=private_allowed())
    except addresses.NotPublic as error:
        return str(error)
    except OSError:
        return None
    return None
