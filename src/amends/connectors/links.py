"""Recognising a link to a post: which platform it is on, and what names the post. Pure."""

import re
from urllib.parse import parse_qs, urlsplit

# bsky.app/profile/HANDLE-OR-DID/post/RKEY, and at://DID-OR-HANDLE/app.bsky.feed.post/RKEY.
_BSKY_WEB = re.compile(r"/profile/([^/]+)/post/([A-Za-z0-9._:~-]{1,512})/?")
_AT_URI = re.compile(r"at://([^/]+)/app\.bsky\.feed\.post/([A-Za-z0-9._:~-]{1,512})")
_HOSTS = {
    "x": ("x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"),
    "facebook": ("facebook.com", "m.facebook.com", "web.facebook.com", "fb.com"),
    "instagram": ("instagram.com",),
    "nextdoor": ("nextdoor.com", "nextdoor.co.uk"),
}
MAX = 2000


def split(url: str):
    """The link's parts, or None when it is not an http(s) or at:// link."""
    if not isinstance(url, str) or len(url) > MAX or any(c.isspace() for c in url.strip()):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https", "at") or not parts.netloc:
        return None
    return parts


def host_of(url: str) -> str | None:
    parts = split(url)
    if parts is None or parts.scheme == "at":
        return None
    try:
        host = parts.hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def platform_of(url: str) -> str | None:
    """The platform a link is plainly on, by its host; None for a host that could be any site
    (a force's WordPress, a Mastodon instance, the force's own site)."""
    parts = split(url)
    if parts is None:
        return None
    if parts.scheme == "at" or host_of(url) == "bsky.app":
        return "bluesky"
    host = host_of(url)
    for platform, hosts in _HOSTS.items():
        if host in hosts:
            return platform
    return None


def bluesky(url: str) -> tuple[str, str] | None:
    """(handle or DID, record key) of a Bluesky post link; None for anything else."""
    parts = split(url)
    if parts is None:
        return None
    if parts.scheme == "at":
        found = _AT_URI.fullmatch(url.strip())
    elif host_of(url) == "bsky.app":
        found = _BSKY_WEB.fullmatch(parts.path)
    else:
        return None
    return (found.group(1), found.group(2)) if found else None


def wordpress(url: str, server: str) -> tuple[str, str] | None:
    """("id", NUMBER) or ("slug", SLUG) for a link to a post on the WordPress site at
    ``server``; None when the link is to another site or names no post."""
    mine, parts = host_of(server), split(url)
    if parts is None or mine is None or host_of(url) != mine:
        return None
    number = parse_qs(parts.query).get("p", [""])[0]
    if number.isdigit():
        return ("id", number)
    segments = [s for s in parts.path.split("/") if s]
    if not segments or segments[-1] in ("wp-admin", "wp-json", "feed"):
        return None
    slug = segments[-1]
    return ("slug", slug) if re.fullmatch(r"[a-z0-9%_-]{1,200}", slug) else None


def mastodon(url: str, server: str) -> str | None:
    """The status id of a link to a status on the instance at ``server``; else None."""
    mine, parts = host_of(server), split(url)
    if parts is None or mine is None or host_of(url) != mine:
        return None
    found = re.fullmatch(r"/(?:@[^/]+|users/[^/]+/statuses)/(\d{1,20})/?", parts.path)
    return found.group(1) if found else None


def house(url: str, site: str) -> int | None:
    """The post number of a link to the force's own site (``SITE/posts/N/``); else None."""
    parts, mine = split(url), split(site)
    if parts is None or mine is None or host_of(url) != host_of(site):
        return None
    found = re.fullmatch(r"/posts/(\d{1,18})/?", parts.path)
    return int(found.group(1)) if found else None


# x.com/NAME/status/ID (and /photo/1, /video/1 after it), x.com/i/web/status/ID, twitter.com alike.
_X_STATUS = re.compile(
    r"/(?:[A-Za-z0-9_]{1,15}|i/web|i)/status(?:es)?/(\d{1,20})(?:/(?:photo|video)/\d)?/?"
)
# facebook.com/PAGE/posts/ID, where ID is a number or an obfuscated pfbid.
_FB_POSTS = re.compile(r"/[^/]{1,100}/posts/(pfbid[A-Za-z0-9]{10,200}|\d{1,30})/?")
_FB_STORY = ("/permalink.php", "/story.php")


def x(url: str) -> str | None:
    """The Post id of a link to a Post on X (or Twitter); None for anything else."""
    parts = split(url)
    if parts is None or host_of(url) not in _HOSTS["x"]:
        return None
    found = _X_STATUS.fullmatch(parts.path)
    return found.group(1) if found else None


def facebook(url: str) -> tuple[str, str | None] | None:
    """(the post's id or pfbid, the Page named in the link when it is named by number) of a link
    to a post on Facebook; None for anything else (a profile, a share link, a photo)."""
    parts = split(url)
    if parts is None or host_of(url) not in _HOSTS["facebook"]:
        return None
    if parts.path in _FB_STORY:
        query = parse_qs(parts.query)
        story, page = query.get("story_fbid", [""])[0], query.get("id", [""])[0]
        if re.fullmatch(r"pfbid[A-Za-z0-9]{10,200}|\d{1,30}", story):
            return story, page if page.isdigit() else None
        return None
    found = _FB_POSTS.fullmatch(parts.path)
    if found is None:
        return None
    named = parts.path.split("/")[1]
    return found.group(1), named if named.isdigit() else None


# instagram.com/p/CODE/, /reel/CODE/, /tv/CODE/, optionally after the account's name.
_IG_POST = re.compile(r"(?:/[A-Za-z0-9._]{1,30})?/(?:p|reel|reels|tv)/([A-Za-z0-9_-]{5,40})/?")


def instagram(url: str) -> str | None:
    """The shortcode of a link to a post on Instagram; None for anything else."""
    parts = split(url)
    if parts is None or host_of(url) not in _HOSTS["instagram"]:
        return None
    found = _IG_POST.fullmatch(parts.path)
    return found.group(1) if found else None


_ND_POST = re.compile(r"/p/([A-Za-z0-9_-]{4,64})/?")


def nextdoor(url: str) -> str | None:
    """The id of a link to a post on Nextdoor (``/p/ID``); None for anything else."""
    parts = split(url)
    if parts is None or host_of(url) not in _HOSTS["nextdoor"]:
        return None
    found = _ND_POST.fullmatch(parts.path)
    return found.group(1) if found else None
