"""Webmention (W3C Recommendation, 2017), the sending side: tell the pages a post links to
that it changed.

When a post is published, corrected or taken down, :func:`queue` (called by the action, in its
transaction) owes a Webmention to every page its words link to, and to every page it linked to
before — a correction may remove a link, and a post taken down has no words left, yet each of
those pages may show the post and must hear of the change (the post's page then answers 410
Gone, which a receiver reads as a deletion).

The worker's :func:`send_due` discovers each target's endpoint as the spec says — the first
HTTP ``Link`` header with ``rel="webmention"``, else the first ``<link>`` or ``<a>`` element
with it in document order, resolved against the page's address after redirects — and posts
``source`` and ``target`` to it, keeping the endpoint's own query. Every fetch goes through the
outbound guard (public addresses only unless ``AMENDS_ALLOW_PRIVATE_ADDRESSES``; at most 1 MB,
10 seconds and 5 redirects, each hop checked). A page with no endpoint is left alone; an
endpoint that does not answer, or answers 5xx or 429, is tried again later, up to
:data:`ATTEMPTS` times.
"""

import logging
import re
from collections.abc import Iterable
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings

from amends.clock import now
from amends.copies.models import Sent
from amends.copies.webmention import LARGEST, REDIRECTS, TIMEOUT
from amends.desk.models import Post
from amends.text.linkify import links

logger = logging.getLogger(__name__)
ATTEMPTS = 6
_LINK = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,=\s]+(?:\s*=\s*(?:\"[^\"]*\"|[^;,]*))?)*)")
_REL = re.compile(r";\s*rel\s*=\s*(?:\"([^\"]*)\"|([^\s;,]+))", re.IGNORECASE)


def source_of(post_id: int) -> str:
    return f"{settings.SITE_URL}/posts/{post_id}/"


def queue(post_ids: Iterable[int]) -> int:
    """Owe a Webmention from each post's page to every page it links to, or linked to before
    (inside the caller's transaction); how many are owed."""
    ids = list(post_ids)
    own = urlsplit(settings.SITE_URL).netloc
    targets: dict[int, set[str]] = {pk: set() for pk in ids}
    for pk, target in Sent.objects.filter(post_id__in=ids).values_list("post_id", "target"):
        targets[pk].add(target)
    for pk, wording in Post.objects.filter(pk__in=ids).values_list("pk", "wording"):
        targets[pk].update(
            url for url in links(wording) if len(url) <= 2000 and urlsplit(url).netloc != own
        )
    at = now()
    owed = [Sent(post_id=pk, target=t, due_at=at) for pk, found in targets.items() for t in found]
    if owed:
        Sent.objects.bulk_create(
            owed,
            update_conflicts=True,
            unique_fields=["post", "target"],
            update_fields=["state", "due_at", "attempts", "problem"],
        )
    return len(owed)


def owe(post_id: int, target: str) -> None:
    """Owe one page a Webmention from a post's page (a copy of the post found there, told of
    the correction), inside the caller's transaction."""
    Sent.objects.bulk_create(
        [Sent(post_id=post_id, target=target, due_at=now())],
        update_conflicts=True,
        unique_fields=["post", "target"],
        update_fields=["state", "due_at", "attempts", "problem"],
    )


class _Endpoint(HTMLParser):
    """The first ``<link>`` or ``<a>`` with ``rel`` naming ``webmention`` and an ``href``.
    (Comments and escaped text are not elements, so nothing in them counts.)"""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.href: str | None = None

    def handle_starttag(self, tag, attrs):
        if self.href is not None or tag not in ("link", "a"):
            return
        found = dict(attrs)
        rel = (found.get("rel") or "").lower().split()
        if "webmention" in rel and "href" in found:
            self.href = found["href"] or ""


def _link_header(values: list[str]) -> str | None:
    for value in values:
        for match in _LINK.finditer(value):
            rel = _REL.search(match.group(2))
            if rel and "webmention" in (rel.group(1) or rel.group(2) or "").lower().split():
                return match.group(1).strip()
    return None


def discover(client: httpx.Client, target: str) -> str | None:
    """The Webmention endpoint ``target`` advertises, or None (redirects followed)."""
    url = target
    for _ in range(REDIRECTS + 1):
        with client.stream("GET", url, headers={"Accept": "text/html"}) as got:
            if got.is_redirect and "location" in got.headers:
                url = urljoin(url, got.headers["location"])
                if urlsplit(url).scheme not in ("http", "https"):
                    raise ValueError("a redirect to something that is not an http(s) URL")
                continue
            if got.status_code >= 400:
                raise _Unreadable(got.status_code)
            header = _link_header(got.headers.get_list("link"))
            if header is not None:
                return urljoin(url, header)
            if "html" not in got.headers.get("content-type", ""):
                return None
            parser, size = _Endpoint(), 0
            for text in got.iter_text():
                size += len(text)
                parser.feed(text)
                if parser.href is not None or size > LARGEST:
                    break
            return None if parser.href is None else urljoin(url, parser.href)
    raise ValueError(f"more than {REDIRECTS} redirects")


class _Unreadable(Exception):
    def __init__(self, status: int):
        super().__init__(f"the page answered {status}")
        self.status = status


def send_due(limit: int = 50, client: httpx.Client | None = None) -> int:
    """Send up to ``limit`` owed Webmentions, oldest first; how many were tried."""
    from amends.connectors import guard

    due = list(
        Sent.objects.filter(state=Sent.State.PENDING, due_at__lte=now()).order_by("due_at")[:limit]
    )
    if not due:
        return 0
    own = client is None
    client = client or httpx.Client(
        transport=guard.transport(), timeout=TIMEOUT, follow_redirects=False
    )
    try:
        for owed in due:
            owed.read_due = owed.due_at  # type: ignore[attr-defined]
            _send(client, owed)
    finally:
        if own:
            client.close()
    return len(due)


def _send(client: httpx.Client, owed: Sent) -> None:
    from amends.connectors.addresses import NotPublic

    owed.attempts += 1
    try:
        endpoint = discover(client, owed.target)
        if endpoint is None:
            _settle(owed, Sent.State.NO_ENDPOINT, "the page advertises no Webmention endpoint")
            return
        owed.endpoint = endpoint[:2000]
        answer = client.post(
            endpoint, data={"source": source_of(owed.post_id), "target": owed.target}
        )
    except NotPublic as error:
        _settle(owed, Sent.State.REFUSED, str(error))
        return
    except _Unreadable as error:
        if error.status >= 500 or error.status == 429:
            _later(owed, str(error))
        else:
            _settle(owed, Sent.State.NO_ENDPOINT, str(error))
        return
    except (httpx.HTTPError, ValueError, OSError) as error:
        _later(owed, f"no answer: {error}")
        return
    owed.status = answer.status_code
    if answer.is_success:
        owed.sent_at = now()
        _settle(owed, Sent.State.SENT, "")
    elif answer.status_code >= 500 or answer.status_code == 429:
        _later(owed, f"the endpoint answered {answer.status_code}")
    else:
        _settle(owed, Sent.State.REFUSED, f"the endpoint answered {answer.status_code}")


def _later(owed: Sent, problem: str) -> None:
    if owed.attempts >= ATTEMPTS:
        _settle(owed, Sent.State.FAILED, problem)
        return
    owed.problem = problem
    _save(owed, due_at=now() + timedelta(minutes=2**owed.attempts))


def _settle(owed: Sent, state: str, problem: str) -> None:
    owed.state, owed.problem = state, problem
    _save(owed, due_at=owed.due_at)
    if state != Sent.State.SENT:
        logger.info("webmention to %s: %s", owed.target, problem)


def _save(owed: Sent, *, due_at) -> None:
    """Keep what was found, unless the post changed again meanwhile (its Webmention is then
    owed afresh, and stays so)."""
    Sent.objects.filter(pk=owed.pk, state=Sent.State.PENDING, due_at=owed.read_due).update(  # type: ignore[attr-defined]
        state=owed.state,
        due_at=due_at,
        attempts=owed.attempts,
        endpoint=owed.endpoint,
        status=owed.status,
        sent_at=owed.sent_at,
        problem=owed.problem,
    )
