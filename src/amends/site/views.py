"""Serving the rendered public site. Any web server can serve the same files; this view is the
fallback inside ``amends serve`` and answers a deleted post's notice with 410 Gone."""

import posixpath
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.views.decorators.http import require_safe

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
}


def locate(path: str) -> tuple[Path, int] | None:
    """The file for a URL path under the site folder, and the status to serve it with."""
    clean = posixpath.normpath("/" + path).lstrip("/")
    if clean.startswith("..") or "\x00" in clean:
        return None
    root = Path(settings.SITE_DIR)
    target = root / clean if clean not in ("", ".") else root
    if path == "" or path.endswith("/"):
        if (target / "index.html").is_file():
            return target / "index.html", 200
        if (target / "gone.html").is_file():
            return target / "gone.html", 410
        return None
    if target.is_file() and not target.name.startswith("."):
        return target, 200
    return None


@require_safe
def public(request, path: str = ""):
    found = locate(path)
    if found is None:
        return not_found()
    file, status = found
    tile = path.startswith(".well-known/amends/tile/")
    response = FileResponse(
        open(file, "rb"),  # noqa: SIM115 - FileResponse closes it
        content_type="application/octet-stream"
        if tile
        else TYPES.get(file.suffix, "text/plain; charset=utf-8"),
    )
    response.status_code = status
    # Short: a correction must reach readers within a minute, even through a cache. A tile of
    # the log never changes once written (amends.record.tiles).
    response["Cache-Control"] = (
        "public, max-age=31536000, immutable" if tile else "public, max-age=60"
    )
    # Where other sites say they link to a page (as amends.site.wsgi says it).
    response["Link"] = '</webmention>; rel="webmention"'
    response["X-Pingback"] = f"{settings.SITE_URL}/pingback"
    return response


def not_found() -> HttpResponse:
    """The site's own "Page not found", in its style and words (never Django's bare page)."""
    from amends.site.render import render_to_string

    page = render_to_string("site/not_found.html", {"site_title": settings.SITE_TITLE})
    response = HttpResponse(page, status=404, content_type=TYPES[".html"])
    response["Cache-Control"] = "public, max-age=60"
    return response
