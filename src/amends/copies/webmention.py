"""Webmention (W3C Recommendation, 2017), the receiving side: a page that links to one of the
force's posts says so, and Amends records it as a copy once it has checked.

:func:`receive` answers the endpoint at once — it checks the two URLs, that the target is one of
this site's post pages, and the sender's hourly allowance (``AMENDS_WEBMENTION_PER_HOST``), and
keeps the mention — and never fetches anything. The worker's :func:`verify_due` fetches each
source later, through the outbound guard (public addresses only unless
``AMENDS_ALLOW_PRIVATE_ADDRESSES``; at most 1 MB, 10 seconds and 5 redirects, each hop checked),
and reads whether it links to the target. A source that does is recorded as a copy
(``copy.found``, found by ``webmention``, or ``pingback`` for a Pingback), with the revision
its words match best; one that no longer does, or answers 410 Gone (or 404), makes its copy
gone (``copy.gone``), as the spec's update and delete semantics ask.
"""

import logging
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
from django.conf import settings
from django.db import transaction

from amends.clock import now
from amends.copies.keeping import Kept, keep
from amends.copies.models import KnownCopy, Webmention
from amends.desk.models import Post

logger = logging.getLogger(__name__)
LARGEST = 1024 * 1024
REDIRECTS = 5
NOT_A_POST = "target: is not a post on this site"
TIMEOUT = 10.0
_POST_PATH = re.compile(r"^/(?:cy/)?posts/(\d+)/?$")
LINKING = {
    "a": "href",
    "area": "href",
    "link": "href",
    "img": "src",
    "audio": "src",
    "video": "src",
    "source": "src",
    "iframe": "src",
    "blockquote": "cite",
    "q": "cite",
}


@dataclass(frozen=True)
class Received:
    status: int
    message: str
    retry_after: int | None = None


def _url(value: object) -> str | None:
    if not isinstance(value, str) or len(value) > 2000 or any(c.isspace() for c in value):
        return None
    parts = urlsplit(value)
    return value if parts.scheme in ("http", "https") and parts.hostname else None


def target_post(target: str) -> int | None:
    """The id in ``target`` if it is the address of one of this site's post pages (the address
    alone: whether that post exists is asked with the rest of its batch, when it is kept)."""
    site = urlsplit(settings.SITE_URL)
    parts = urlsplit(target)
    if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
        return None
    path = parts.path[len(site.path.rstrip("/")) :] if site.path.strip("/") else parts.path
    found = _POST_PATH.match(path)
    if not found or len(found.group(1)) > 18:
        return None
    return int(found.group(1))


def receive(source: object, target: object, *, protocol: str = "webmention") -> Received:
    """Answer one Webmention request (``source`` and ``target`` as posted), or a Pingback's
    (``protocol="pingback"``). Nothing here touches the database but the keeper's batch."""
    source_url, target_url = _url(source), _url(target)
    if source_url is None:
        return Received(400, "source: must be an http or https URL")
    if target_url is None:
        return Received(400, "target: must be an http or https URL")
    if urldefrag(source_url)[0] == urldefrag(target_url)[0]:
        return Received(400, "source: must not be the target itself")
    post = target_post(target_url)
    if post is None:
        return Received(400, NOT_A_POST)
    host = (urlsplit(source_url).hostname or "").lower()
    kept = keep(
        Webmention(
            source=source_url,
            target=target_url,
            protocol=protocol,
            post_id=post,
            host=host,
            received_at=now(),
        )
    )
    if kept is None:
        return Received(503, "Not kept: try again in a minute", 60)
    if kept is Kept.NO_POST:
        return Received(400, NOT_A_POST)
    if kept is Kept.LIMITED:
        return Received(429, f"source: too many mentions from {host} this hour; try later", 3600)
    return Received(202, "Accepted: the source will be checked")


class _Links(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base, self.links, self.words = base, set(), []

    def handle_starttag(self, tag, attrs):
        if tag == "base":
            href = dict(attrs).get("href")
            if href:
                self.base = urljoin(self.base, href)
        attribute = LINKING.get(tag)
        value = dict(attrs).get(attribute) if attribute else None
        if value:
            self.links.add(urldefrag(urljoin(self.base, value.strip()))[0])

    def handle_data(self, data):
        self.words.append(data)


def read_links(body: str, base: str, content_type: str) -> tuple[set[str], str]:
    """The URLs a source links to and its words (HTML read for links; other text as it is)."""
    if "html" not in content_type:
        found = {urldefrag(u)[0] for u in re.findall(r"https?://[^\s<>\"')]+", body)}
        return found, body
    parser = _Links(base)
    parser.feed(body)
    parser.close()
    return parser.links, " ".join(parser.words)


def _fetch(client: httpx.Client, url: str) -> tuple[int, str, str, str]:
    """Status, final URL, content type and text of ``url``, redirects followed (each checked)."""
    for _ in range(REDIRECTS + 1):
        with client.stream("GET", url, headers={"Accept": "text/html, text/plain;q=0.8"}) as got:
            if got.is_redirect and "location" in got.headers:
                url = urljoin(url, got.headers["location"])
                if _url(url) is None:
                    raise ValueError("a redirect to something that is not an http(s) URL")
                continue
            data = b""
            for chunk in got.iter_bytes():
                data += chunk
                if len(data) > LARGEST:
                    raise ValueError("the source is larger than 1 MB")
            kind = got.headers.get("content-type", "")
            return got.status_code, url, kind, data.decode(got.encoding or "utf-8", "replace")
    raise ValueError(f"more than {REDIRECTS} redirects")


def verify_due(limit: int = 50, client: httpx.Client | None = None) -> int:
    """Check up to ``limit`` pending Webmentions, oldest first; how many were checked."""
    from amends.connectors import guard

    due = list(
        Webmention.objects.filter(state=Webmention.State.PENDING)
        .select_related("post")
        .order_by("received_at")[:limit]
    )
    if not due:
        return 0
    own = client is None
    client = client or httpx.Client(
        transport=guard.transport(), timeout=TIMEOUT, follow_redirects=False
    )
    try:
        for mention in due:
            _verify(client, mention)
    finally:
        if own:
            client.close()
    return len(due)


def _verify(client: httpx.Client, mention: Webmention) -> None:
    from amends.connectors.addresses import NotPublic

    try:
        status, final, kind, body = _fetch(client, mention.source)
    except (httpx.HTTPError, ValueError, OSError, NotPublic) as error:
        _settle(mention, Webmention.State.REFUSED, f"the source could not be read: {error}")
        return
    if status in (404, 410):  # deleted (410, as the spec says) or no longer there at all
        _settle(mention, Webmention.State.GONE, f"the source is gone ({status})")
        return
    if status != 200:
        _settle(mention, Webmention.State.REFUSED, f"the source answered {status}")
        return
    links, words = read_links(body, final, kind)
    target = urldefrag(mention.target)[0]
    if target not in links and target.rstrip("/") not in {u.rstrip("/") for u in links}:
        _settle(mention, Webmention.State.GONE, "the source does not link to the post")
        return
    _settle(mention, Webmention.State.VERIFIED, "", words)


def _revision_shown(post: Post, words: str) -> int:
    """The revision of ``post`` whose wording the source's words match best (the latest when
    none stands out)."""
    from amends.copies.models import Fingerprint
    from amends.text.fingerprint import fingerprint, similarity

    latest = post.revisions.order_by("-n").values_list("n", flat=True).first() or 1
    found = fingerprint(words)
    if found is None:
        return latest
    signatures = Fingerprint.objects.filter(revision__post=post).values_list(
        "revision__n", "signature"
    )
    scored = sorted(
        ((similarity(found.signature, bytes(s)), n) for n, s in signatures if s), reverse=True
    )
    return scored[0][1] if scored and scored[0][0] > 0.05 else latest


def _settle(mention: Webmention, state: str, problem: str, words: str = "") -> None:
    from amends.copies import register

    mention.state, mention.problem, mention.checked_at = state, problem, now()
    with transaction.atomic():
        if state == Webmention.State.VERIFIED and mention.copy_id is None:
            existing = KnownCopy.objects.filter(post=mention.post, url=mention.source).first()
            mention.copy = existing or register.found(
                mention.post,
                url=mention.source,
                found_by=KnownCopy.FoundBy(mention.protocol),
                revision=_revision_shown(mention.post, words),
                actor=None,
            )
        elif state == Webmention.State.GONE and mention.copy_id is not None:
            copy = KnownCopy.objects.get(pk=mention.copy_id)
            if copy.gone_at is None:
                register.gone(copy, actor=None)
        mention.save()
    if state != Webmention.State.VERIFIED:
        logger.info("webmention %s -> %s: %s", mention.source, mention.target, problem)
