"""Copies of a post kept by web archives: its addresses (its page on the force's site, and its
place on its platform) looked up in each archive's Wayback CDX API while its incident is open,
and every snapshot recorded as a copy (found by ``archive``) of the revision its words show.

An archive is named by its replay address (``AMENDS_WEB_ARCHIVES``): the Internet Archive's
``https://web.archive.org/web`` (its CDX API at ``/cdx/search/cdx``, answering JSON arrays), or
a pywb collection's ``https://archive.example/collection`` (its CDX API at ``…/cdx``, answering
one JSON object a line); both are read. Each snapshot's original bytes (the ``id_`` replay) are
fetched through the outbound guard, at most 1 MB, and matched against the post's revisions.
Looks back off like the platforms': hourly while snapshots turn up, up to daily.

Nothing is offered to do about an archived copy: an archive keeps what it saw.
"""

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from django.conf import settings

from amends.clock import now
from amends.copies.models import ArchiveLook, KnownCopy
from amends.desk.models import Post

logger = logging.getLogger(__name__)
FIRST, LONGEST = 3600, 86400
SNAPSHOTS = 1000  # at most, from the post's making on, in one look
LARGEST = 1024 * 1024


@dataclass(frozen=True)
class Snapshot:
    timestamp: str  # 14 digits, as the archive names it
    url: str  # the address as it was captured


def cdx_of(archive: str) -> str:
    """The CDX API of an archive named by its replay address."""
    parts = urlsplit(archive)
    if parts.hostname == "web.archive.org":
        return f"{parts.scheme}://{parts.netloc}/cdx/search/cdx"
    return f"{archive}/cdx"


def read_cdx(body: str) -> list[Snapshot]:
    """Snapshots with status 200 from a CDX answer, either form: the Internet Archive's JSON
    arrays (a header row first) or pywb's JSON object a line."""
    text = body.strip()
    if not text:
        return []
    rows: list[dict] = []
    if text.startswith("["):
        table = json.loads(text)
        if table:
            header = table[0]
            rows = [dict(zip(header, row, strict=False)) for row in table[1:]]
    else:
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    found = []
    for row in rows:
        status = str(row.get("statuscode", row.get("status", "")))
        stamp = str(row.get("timestamp", ""))
        url = row.get("original") or row.get("url") or ""
        if status == "200" and len(stamp) == 14 and stamp.isdigit() and url:
            found.append(Snapshot(stamp, url))
    return found


def addresses_of(post: Post) -> list[str]:
    found = [f"{settings.SITE_URL}/posts/{post.pk}/"]
    copy = getattr(post, "copy", None)
    if copy is not None and copy.url:
        found.append(copy.url)
    return found


def _get(client: httpx.Client, address: str, params: dict | None = None) -> tuple[int, str]:
    with client.stream("GET", address, params=params) as got:
        data = b""
        for chunk in got.iter_bytes():
            data += chunk
            if len(data) > LARGEST:
                break
        return got.status_code, data[:LARGEST].decode(got.encoding or "utf-8", "replace")


def look_up(post: Post, client: httpx.Client) -> int:
    """Record every snapshot of ``post`` the archives hold and the register does not; how many
    were new."""
    from amends.copies import register
    from amends.copies.webmention import _revision_shown, read_links

    since = post.created_at.strftime("%Y%m%d%H%M%S")
    new = 0
    for archive in settings.WEB_ARCHIVES:
        for address in addresses_of(post):
            status, body = _get(
                client,
                cdx_of(archive),
                {"url": address, "output": "json", "from": since, "limit": str(SNAPSHOTS)},
            )
            if status == 404:
                continue  # pywb: no such capture
            if status != 200:
                raise httpx.HTTPStatusError(
                    f"{cdx_of(archive)} answered {status}",
                    request=httpx.Request("GET", cdx_of(archive)),
                    response=httpx.Response(status),
                )
            for shot in read_cdx(body):
                if shot.timestamp < since:
                    continue  # the address, before this post was made
                shown = f"{archive}/{shot.timestamp}/{shot.url}"
                if KnownCopy.objects.filter(post=post, url=shown).exists():
                    continue
                got, page = _get(client, f"{archive}/{shot.timestamp}id_/{shot.url}")
                if got != 200:
                    continue
                _, words = read_links(page, shot.url, "text/html")
                register.found(
                    post,
                    url=shown,
                    found_by=KnownCopy.FoundBy.ARCHIVE,
                    revision=_revision_shown(post, words),
                    actor=None,
                )
                new += 1
    return new


def look_up_due(client: httpx.Client | None = None) -> int:
    """Look up every open incident's posts that are due; how many snapshots were new."""
    from amends.connectors import guard
    from amends.connectors.addresses import NotPublic

    if not settings.WEB_ARCHIVES:
        return 0
    from amends.copies.conversation import open_incidents_posts

    ids = open_incidents_posts()
    at = now()
    due = []
    for post in Post.objects.filter(pk__in=ids).select_related("copy"):
        look, _ = ArchiveLook.objects.get_or_create(post=post, defaults={"due_at": at})
        if look.due_at <= at:
            due.append((post, look))
    if not due:
        return 0
    own = client is None
    client = client or httpx.Client(transport=guard.transport(), timeout=10.0)
    found = 0
    try:
        for post, look in due:
            try:
                new = look_up(post, client)
            except (httpx.HTTPError, ValueError, OSError, NotPublic) as error:
                logger.warning("web archives for post %s: %s", post.pk, error)
                look.problem = str(error)[:2000]
                look.interval = min(look.interval * 2, LONGEST)
            else:
                found += new
                look.problem, look.looked_at = "", at
                look.interval = FIRST if new else min(look.interval * 2, LONGEST)
            look.due_at = at + timedelta(seconds=look.interval)
            look.save()
    finally:
        if own:
            client.close()
    return found
