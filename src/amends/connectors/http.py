"""The one seam for outbound HTTP to the platforms.

Every connector talks to its platform through a :class:`Seam`: an httpx client (or, for an SDK
built on requests, a requests session that sends through that client) whose every exchange is
timed and summarised, and whose connections pass :mod:`amends.connectors.guard`: public
addresses only, checked after DNS, and no redirects followed. The worker
stores the summaries with each delivery attempt. Summaries name the method, the URL without its
query string, the status and the duration; request headers and bodies are never kept.

Of an answer, only a failure's own words are kept (the platform's error message), and never
from an authentication call: a successful answer echoes the post's wording, which must be
sealable with the post, and a session answer holds tokens that would let anyone reading the
attempt act as the force. Anything token-shaped is scrubbed from what is kept all the same.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cached_property

import httpx
import requests
import requests.adapters
import requests.structures
import requests.utils

from amends import __version__
from amends.connectors import addresses, guard
from amends.connectors.errors import NotAllowed, PlatformError

TIMEOUT = httpx.Timeout(20.0, connect=5.0)
USER_AGENT = f"Amends/{__version__} (+https://amends.example/)"
EXCERPT = 300
# Calls whose answers are credentials: their bodies are never kept, whatever the status.
AUTH_CALLS = re.compile(
    r"(createSession|refreshSession|createAccount|/oauth2?/(token|access_token|revoke)"
    r"|/oauth/access_token|/token$)",
    re.IGNORECASE,
)
# JWTs, bearer tokens, and the values of token- or secret-named fields in JSON or forms.
TOKENS = re.compile(
    r"eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*"
    r"|(?i:bearer)\s+[\w.~+/=-]{8,}"
    r"|(?i:(\"?[\w-]*(?:token|jwt|secret|password|passwd|session|cookie|code)[\w-]*\"?\s*[:=]\s*))"
    r"(\"[^\"]*\"|[^\s&,}]+)"
)


def scrub(text: str) -> str:
    """``text`` with anything token-shaped replaced by ``[removed]``."""

    def replace(match: re.Match) -> str:
        if match.group(1):  # a named field: keep the name, drop the value
            return f"{match.group(1)}[removed]"
        return "[removed]"

    return TOKENS.sub(replace, text)


def kept(url: object, status: int | None, body: str) -> str:
    """What is kept of an answer: a failure's own words, scrubbed, and nothing else."""
    if status is not None and status < 400:
        return ""
    if AUTH_CALLS.search(_url(url)):
        return ""
    if status is None:  # no answer: the transport's own error
        return scrub(body)[:EXCERPT]
    return scrub(_words(body))[:EXCERPT]


@dataclass(frozen=True)
class Exchange:
    method: str
    url: str
    status: int | None  # None: no response (the platform could not be reached)
    ms: float
    response: str

    def __str__(self) -> str:
        status = self.status if self.status is not None else "no response"
        return f"{self.method} {self.url} -> {status} in {self.ms:.0f} ms"


def _url(url: object) -> str:
    return str(url).split("?", 1)[0]


class _Timed(httpx.BaseTransport):
    """Times and summarises every exchange, also those made by an SDK's own calls."""

    def __init__(self, seam: Seam, inner: httpx.BaseTransport):
        self.seam, self.inner = seam, inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = self.inner.handle_request(request)
        except httpx.TransportError as error:
            self.seam.note(request.method, request.url, None, started, str(error))
            raise
        except addresses.NotPublic as error:  # refused before any connection was made
            self.seam.note(request.method, request.url, None, started, str(error))
            where = f"{self.seam.platform}: cannot reach {_url(request.url)}"
            raise NotAllowed(f"{where}: {error}") from None
        response.read()
        self.seam.note(request.method, request.url, response.status_code, started, response.text)
        if self.seam.captured is not None and not AUTH_CALLS.search(_url(request.url)):
            self.seam.captured.append((request, response))  # kept whole: see capture.py
        refused = guard.refused_redirect(self.seam.platform, request, response)
        if refused:  # whoever asked (the Seam, an SDK), a redirect is not followed
            response.close()
            raise NotAllowed(refused, status=response.status_code)
        return response

    def close(self) -> None:
        self.inner.close()


def _words(text: str) -> str:
    """The platform's own words in an error body, from the usual JSON shapes, else the start of
    the body."""
    try:
        body = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        return text.strip()[:200]
    if isinstance(body, dict):
        for key in ("message", "error_description", "error", "detail", "title", "errors"):
            value = body.get(key)
            if isinstance(value, dict):
                value = value.get("message") or json.dumps(value)[:200]
            if isinstance(value, list) and value:
                first = value[0]
                value = first.get("message") if isinstance(first, dict) else str(first)
            if value:
                return str(value)[:300]
    return json.dumps(body)[:200]


def message_of(response: httpx.Response) -> str:
    """The platform's own words for an error, from the usual JSON shapes, else the body;
    scrubbed of anything token-shaped."""
    try:
        text = response.text
    except UnicodeDecodeError:
        return response.reason_phrase
    return scrub(_words(text)) or response.reason_phrase


class Seam:
    """Outbound HTTP for one platform. ``transport`` replaces the network in unit tests that
    assert the exact payload sent (httpx.MockTransport); integration tests use the network."""

    def __init__(self, platform: str, *, transport: httpx.BaseTransport | None = None):
        self.platform = platform
        self.exchanges: list[Exchange] = []
        self._transport = transport
        # While capturing (:func:`amends.connectors.capture.capturing`), every exchange whole,
        # except the calls whose answers are credentials.
        self.captured: list[tuple[httpx.Request, httpx.Response]] | None = None

    @cached_property
    def client(self) -> httpx.Client:
        """Made on first use: loading the system's certificates costs ~20 ms, and most
        connectors are made only to measure a text or read their capabilities."""
        return httpx.Client(
            transport=_Timed(self, self._transport or guard.transport()),
            timeout=TIMEOUT,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
            trust_env=False,
        )

    def note(self, method: str, url: object, status: int | None, started: float, body: str):
        ms = (time.perf_counter() - started) * 1000
        self.exchanges.append(Exchange(method, _url(url), status, ms, kept(url, status, body)))

    def take(self) -> list[Exchange]:
        """The exchanges since the last call, for one attempt's row."""
        taken, self.exchanges = self.exchanges, []
        return taken

    def request(
        self,
        method: str,
        url: str,
        *,
        permanent: Collection[int] = (),
        message: Callable[[httpx.Response], str] = message_of,
        ok: Collection[int] = (),
        **kwargs,
    ) -> httpx.Response:
        """Send one request; raise PlatformError unless it succeeded (2xx, or a status in
        ``ok``). Statuses in ``permanent`` are the platform's documented permanent failures."""
        try:
            response = self.client.request(method, url, **kwargs)
        except httpx.TransportError as error:
            raise PlatformError(
                f"{self.platform}: cannot reach {_url(url)}: {error or type(error).__name__}"
            ) from None
        if response.is_success or response.status_code in ok:
            return response
        raise PlatformError(
            f"{self.platform}: {response.status_code} {message(response)}",
            permanent=response.status_code in permanent,
            status=response.status_code,
        )

    def session(self):
        """A requests session for SDKs built on requests (Mastodon.py) that sends every request
        through this Seam's client: the same guard, and the same summaries."""
        session = requests.Session()
        session.trust_env = False  # no proxies or .netrc from the environment
        session.headers["User-Agent"] = USER_AGENT
        session.max_redirects = 0
        adapter = _ThroughSeam(self)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        return session

    def close(self) -> None:
        if "client" in self.__dict__:
            self.client.close()


class _ThroughSeam(requests.adapters.BaseAdapter):
    """A requests adapter that sends with the Seam's httpx client, so an SDK built on requests
    goes through the guard and is summarised like the rest."""

    def __init__(self, seam: Seam):
        super().__init__()
        self.seam = seam

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        try:
            answer = self.seam.client.request(
                request.method, request.url, headers=headers, content=request.body
            )
        except httpx.TimeoutException as error:
            raise requests.Timeout(str(error), request=request) from None
        except httpx.TransportError as error:
            raise requests.ConnectionError(str(error), request=request) from None
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.reason_phrase
        # httpx has already decoded the body; requests must not decode it again.
        response.headers = requests.structures.CaseInsensitiveDict(
            (k, v) for k, v in answer.headers.items() if k.lower() != "content-encoding"
        )
        response.encoding = requests.utils.get_encoding_from_headers(response.headers)
        response._content = answer.content  # how requests holds a body it has read
        response.url, response.request = request.url, request
        return response

    def close(self) -> None:  # the Seam owns the client
        pass
