"""The public site, rendered to static files under ``AMENDS_SITE_DIR``.

Every change re-renders only the pages it touched, each written to a temporary file and renamed
into place, so a reader (or nginx, or a CDN) never sees half a page. A deleted post's page is a
notice saved as ``gone.html`` beside no ``index.html``; servers answer it with 410 Gone.
"""

import json
import os
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from amends.desk import policy
from amends.desk.models import Deletion, Post, Revision
from amends.record import api as record
from amends.record import tiles
from amends.site.words import PREFIX
from amends.text import when
from amends.text.linkify import linkify
from amends.text.render import correction_html, json_ld, plain_correction

PAGE_SIZE = 50
INDEX_SIZE = 20
FEED_SIZE = 50

CSS = """\
body{font:1.05rem/1.55 system-ui,sans-serif;max-width:42rem;margin:0 auto;padding:1rem;
color:#1b1b1b}
a{color:#0b4ea2}a:focus{outline:3px solid #fd0;background:#fd0;color:#000}
del{color:#8a1c1c;text-decoration:line-through}ins{color:#0b6b2b;text-decoration:underline}
del+ins{margin-left:.3em}
.visually-hidden{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;
overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.note{border-left:4px solid #0b4ea2;padding:.25rem .75rem;background:#f3f6fb}
.notice{border-left:4px solid #8a1c1c;padding:.25rem .75rem;background:#fbf3f3}
time{white-space:nowrap}
"""


def _when(moment: datetime, language: str = "en") -> str:
    return when.said(moment, timezone.get_default_timezone(), language)


def _iso(moment: datetime) -> str:
    return when.machine(moment)  # HTML's datetime allows three fraction digits at most


def _linebreaksbr(text: str) -> Markup:
    return Markup("<br>\n").join(escape(text).split("\n"))


def _linked(text: str) -> Markup:
    return Markup(linkify(text))  # noqa: S704  (escaped there; only http(s) addresses link)


TEMPLATES = Environment(
    loader=PackageLoader("amends.site", "templates/public"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters.update(when=_when, iso=_iso, linebreaksbr=_linebreaksbr, linked=_linked)


def render_to_string(name: str, context: dict) -> str:
    from amends.site.pages import logo_url
    from amends.site.words import word

    template = TEMPLATES.get_template(name.removeprefix("site/"))
    language = context.get("lang", "en")
    return template.render(
        {
            "site_logo": logo_url(),
            "lang": language,
            "t": lambda key: word(key, language),
            "home": PREFIX.get(language, "/"),
            "site_url": settings.SITE_URL,
            **context,
        }
    )


def write(relative: str, content: str | bytes) -> None:
    path = Path(settings.SITE_DIR) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    data = content.encode("utf-8") if isinstance(content, str) else content
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def remove(relative: str) -> None:
    (Path(settings.SITE_DIR) / relative).unlink(missing_ok=True)


@dataclass
class Correction:
    n: int
    at: datetime
    reason: str
    html: str
    plain: str


def post_context(post: Post) -> dict:
    revisions = list(post.revisions.order_by("n"))
    texts = {r.n: record.read(r.seq).decode("utf-8") for r in revisions}
    corrections = [
        Correction(
            n=r.n,
            at=r.created_at,
            reason=r.reason,
            html=correction_html(texts[r.n - 1], texts[r.n]),
            plain=plain_correction(
                texts[r.n - 1],
                texts[r.n],
                at=r.created_at,
                zone=timezone.get_default_timezone(),
                reason=r.reason,
            ),
        )
        for r in revisions[1:]
    ]
    url = f"{settings.SITE_URL}/posts/{post.pk}/"
    data = {
        "@context": "https://schema.org",
        "@type": "SocialMediaPosting",
        "url": url,
        "datePublished": post.created_at.isoformat(),
        "dateModified": revisions[-1].created_at.isoformat(),
        "text": texts[revisions[-1].n],
        "publisher": {"@type": "Organization", "name": post.account.name or str(post.account)},
    }
    if corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.plain, "datePublished": c.at.isoformat()}
            for c in corrections
        ]
    responses = post.responses.order_by("created_at").exclude(
        deletions__status=Deletion.Status.DONE
    )
    return {
        "post": post,
        "text": texts[revisions[-1].n],
        "title": title_of(texts[revisions[-1].n]),
        "lang": post.language if post.language in ("en", "cy") else "en",
        "pair": post.pair if post.pair_id and post.pair and post.pair.status != "deleted" else None,
        "latest": corrections[-1] if corrections else None,
        "corrections": corrections,
        "responses": responses,
        "json_ld": json_ld(data),
        "site_title": settings.SITE_TITLE,
    }


def render_post(post: Post) -> None:
    deletion = post.removal
    if deletion is not None:
        language = "cy" if post.language == "cy" else "en"
        ground = policy.ground_in(deletion.ground, language)
        write(
            f"posts/{post.pk}/gone.html",
            render_to_string(
                "site/gone.html",
                {
                    "post": post,
                    "deletion": deletion,
                    "site_title": settings.SITE_TITLE,
                    "ground": ground,
                    "redaction": post.redactions.first(),
                    "lang": language,
                },
            ),
        )
        remove(f"posts/{post.pk}/index.html")
        return
    write(f"posts/{post.pk}/index.html", render_to_string("site/post.html", post_context(post)))


def _listing(limit: int):
    """The latest posts with their current wording, in three queries."""
    posts = list(
        Post.objects.select_related("account")
        .exclude(deletions__status=Deletion.Status.DONE)
        .order_by("-created_at", "-pk")[:limit]
    )
    revisions: dict[int, list[Revision]] = {}
    for revision in Revision.objects.filter(post__in=posts).order_by("n"):
        revisions.setdefault(revision.post_id, []).append(revision)
    texts = record.read_many(r[-1].seq for r in revisions.values())
    out = []
    for post in posts:
        text = texts.get(revisions[post.pk][-1].seq, b"").decode("utf-8")
        out.append(
            {
                "post": post,
                "text": text,
                "title": title_of(text) or f"{post.get_kind_display()} {post.pk}",
                "corrected": len(revisions[post.pk]) > 1,
                "updated": revisions[post.pk][-1].created_at,
            }
        )
    return out


TITLE = 70  # characters of a feed entry's title


def title_of(text: str) -> str:
    """A post's first words as a title: its first line, cut at a word before TITLE characters
    with an ellipsis when longer."""
    first = " ".join(text.strip().split("\n", 1)[0].split())
    if len(first) <= TITLE:
        return first
    cut = first[: TITLE - 1].rsplit(" ", 1)[0] or first[: TITLE - 1]
    return cut.rstrip(" ,;:.-") + "…"


LANGUAGES = ("en", "cy")  # the listing pages exist in both (Welsh Language Standards)


def folder_of(language: str) -> str:
    """Where a language's listing pages live in the site folder ("" or "cy/")."""
    return PREFIX[language].lstrip("/")


def switch_to(language: str, path: str) -> str:
    """The same listing page in the other language."""
    return PREFIX["en" if language == "cy" else "cy"] + path


def render_index() -> None:
    items = _listing(INDEX_SIZE)
    for language in LANGUAGES:
        context = {
            "items": items,
            "site_title": settings.SITE_TITLE,
            "lang": language,
            "switch": switch_to(language, ""),
        }
        write(f"{folder_of(language)}index.html", render_to_string("site/index.html", context))


def grounds_in(language: str) -> dict[str, str]:
    """Each deletion ground's words (as notices keep them, in English) in ``language``."""
    return {policy.ground_in_words(g): policy.ground_in(g, language) for g in policy.grounds()}


@dataclass
class Notice:
    kind: str  # correction or deletion
    at: datetime
    post_id: int
    reason: str
    snippet: str = ""  # a corrected post's first words, as it reads now; never a deleted one's


def _notices(newest: int | None = None) -> tuple[int, list[Notice]]:
    """How many corrections and deletions there are, and the ``newest`` of them (all if None),
    oldest first: archive pages stay put as the list grows."""
    corrections = (
        Revision.objects.filter(n__gt=1).select_related("post").order_by("-created_at", "-pk")
    )
    deletions = Deletion.objects.filter(status=Deletion.Status.DONE).order_by("-decided_at")
    total = corrections.count() + deletions.count()
    if newest is not None:
        corrections, deletions = corrections[:newest], deletions[:newest]
    corrections = list(corrections)
    # Each correction named by the words it put right, read from the record (so an archive page
    # never changes); a post since deleted is named by its number alone.
    words = record.read_many(r.seq for r in corrections if r.post.wording)
    notices = [
        Notice(
            "correction",
            r.created_at,
            r.post_id,
            r.reason,
            title_of(words[r.seq].decode("utf-8")) if r.seq in words else "",
        )
        for r in corrections
    ] + [
        Notice("deletion", d.decided_at, d.post_id, policy.ground_in_words(d.ground))
        for d in deletions
    ]
    notices.sort(key=lambda n: n.at)
    if newest is not None:
        notices = notices[-newest:] if newest else []
    return total, notices


def render_corrections(*, every_page: bool = False) -> None:
    """Every archive page, or only those a new notice can change: the last one, and the one
    before it when the newest notice began a new page (its link to "later" appears)."""
    total, _ = _notices(0)
    pages = max(1, -(-total // PAGE_SIZE))
    began_a_page = total % PAGE_SIZE == 1
    first = 1 if every_page else max(1, pages - 1 if began_a_page else pages)
    start = (first - 1) * PAGE_SIZE
    _, notices = _notices(None if every_page else total - start)
    for language in LANGUAGES:
        folder, grounds = folder_of(language), grounds_in(language)
        for number in range(first, pages + 1):
            chunk = notices[(number - first) * PAGE_SIZE : (number - first + 1) * PAGE_SIZE]
            context = {
                "notices": list(reversed(chunk)),
                "number": number,
                "pages": pages,
                "site_title": settings.SITE_TITLE,
                "lang": language,
                "grounds": grounds,
                "switch": switch_to(language, f"corrections/page/{number}/"),
            }
            html = render_to_string("site/corrections.html", context)
            write(f"{folder}corrections/page/{number}/index.html", html)
            if number == pages:
                write(f"{folder}corrections/index.html", html)


def render_feed() -> None:
    items = _listing(FEED_SIZE)
    # Removed posts stay in the feed as tombstones (RFC 6721), saying when and why, never what.
    done = Deletion.objects.filter(status=Deletion.Status.DONE).order_by("-decided_at", "-pk")
    removed = [
        {
            "post_id": d.post_id,
            "decided_at": d.decided_at,
            "ground": policy.ground_in_words(d.ground),
            "explanation": d.explanation,
        }
        for d in done[:FEED_SIZE]
    ]
    updated = max([i["updated"] for i in items] + [r["decided_at"] for r in removed], default=None)
    # One feed per language, like the listing pages: the same entries (each in its own
    # language), with the feed's own words and the grounds for removal in the reader's.
    for language in LANGUAGES:
        grounds = grounds_in(language)
        context = {
            "items": items,
            "removed": [{**r, "ground": grounds.get(r["ground"], r["ground"])} for r in removed],
            "updated": updated,
            "site_url": settings.SITE_URL,
            "site_title": settings.SITE_TITLE,
            "lang": language,
            "folder": folder_of(language),
        }
        write(f"{folder_of(language)}feed.atom", render_to_string("site/feed.atom", context))


def cosigned_note(checkpoint) -> str:
    from amends.witness.asking import cosigned_note as with_cosignatures

    return with_cosignatures(checkpoint)


def witness_policy():
    from amends.witness.asking import policy

    return policy()


def render_well_known(*, every_tile: bool = False) -> None:
    latest = record.latest_checkpoint()
    if latest is not None:
        shown = Path(settings.SITE_DIR) / ".well-known/amends/checkpoint"
        if not every_tile and shown.exists() and shown.read_text() == cosigned_note(latest):
            return  # published when it was signed; nothing has changed since
        publish_checkpoint(latest, every_tile=every_tile)
    else:
        write(".well-known/amends/key", f"{record.verifier_key()}\n")


def _published_size() -> int:
    """The size of the checkpoint the site shows as the latest (its note's second line)."""
    try:
        lines = (Path(settings.SITE_DIR) / ".well-known/amends/checkpoint").read_text().split("\n")
        return int(lines[1]) if lines[1].isascii() and lines[1].isdigit() else 0
    except (OSError, IndexError, ValueError):
        return 0


def publish_checkpoint(checkpoint, *, every_tile: bool = False) -> None:
    """Put a signed checkpoint on the site as soon as it is signed (amends.site.apps connects
    this to the record's ``signed``): the hash tiles it needs (C2SP tlog-tiles, under
    ``/.well-known/amends/tile/``) first, then the checkpoint at its own address by size and as
    the latest if it is, with the key history; then note it as published (outside the
    database, for rollbacks). The note carries every witness's cosignature kept for it, and is
    written again when one arrives (amends.witness.asking.cosigned)."""
    note = cosigned_note(checkpoint)
    since = 0 if every_tile else min(_published_size(), checkpoint.size)
    for level, index, width in tiles.changed(checkpoint.size, since):
        write(
            f".well-known/amends/{tiles.path(level, index, width)}",
            tiles.hashes(level, index, width),
        )
    write(f".well-known/amends/checkpoints/{checkpoint.size}", note)
    # The latest only grows: a process publishing an older one late never puts it back.
    if checkpoint.size >= _published_size():
        write(".well-known/amends/checkpoint", note)
    write(".well-known/amends/key", f"{record.verifier_key()}\n")
    policy = witness_policy()
    if policy is not None:
        write(".well-known/amends/witness-policy", policy.text())
    history = json.dumps({"keys": record.key_history()}, indent=2, sort_keys=True)
    write(".well-known/amends/keys.json", history + "\n")
    record.mark_published(checkpoint, "on the public site")


_deferred: list[set[str]] = []


@contextmanager
def deferred():
    """Collect the pages actions touch and render them once at the end (bulk imports)."""
    _deferred.append(set())
    try:
        yield
    finally:
        pages = _deferred.pop()
    if pages:
        update(pages)


def update(pages: set[str]) -> None:
    """Re-render the pages an action touched (``post:ID``, ``index``, ``feed``, ``corrections``)."""
    if _deferred:
        _deferred[-1].update(pages)
        return
    root = Path(settings.SITE_DIR)
    if not (root / "site.css").exists():
        write("site.css", CSS)
    if not (root / "cy" / "corrections" / "index.html").exists():
        pages = {*pages, "corrections"}
    if not (root / "cy" / "feed.atom").exists():
        pages = {*pages, "feed"}  # a site rendered before the Welsh feed existed
    if not (root / "cy" / "policy" / "index.html").exists():
        from amends.site import pages as own

        own.render_pages()
    for page in sorted(pages):
        if page.startswith("post:"):
            post = Post.objects.select_related("account").filter(pk=int(page[5:])).first()
            if post is not None:
                render_post(post)
        elif page == "index":
            render_index()
        elif page == "feed":
            render_feed()
        elif page == "corrections":
            render_corrections()
        elif page == "corrections:all":  # a deletion: no archive page may name the post's words
            render_corrections(every_page=True)
    render_well_known()


def render_all() -> int:
    """Render every page from scratch; returns the number of posts rendered."""
    write("site.css", CSS)
    count = 0
    for post in Post.objects.select_related("account").iterator():
        render_post(post)
        count += 1
    render_index()
    render_feed()
    render_corrections(every_page=True)
    render_well_known(every_tile=True)
    from amends.site import pages

    pages.render_pages()
    return count
