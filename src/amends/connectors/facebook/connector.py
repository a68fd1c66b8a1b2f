"""Facebook Pages: a correction edits the post's message in place, with a plain-words note.

The Graph API (https://developers.facebook.com/docs/pages-api/posts) over the seam, with a Page
access token sent in the Authorization header, never in a URL. Graph has no idempotency key:
:meth:`Facebook.find` reads the Page's recent posts (and the Page's own comments on them) back.

Graph says what went wrong in the body's ``error.code``, whatever the HTTP status
(https://developers.facebook.com/docs/graph-api/guides/error-handling). Permanent, because
sending again cannot cure them:

- 190 (OAuthException) and 102: the access token is invalid, expired or revoked.
- 10 and 200-299: the token lacks a permission (pages_manage_posts, pages_read_engagement...).
- 3: the app lacks the capability.
- 100: an invalid parameter, or (subcode 33) a post that no longer exists.
- 506: a duplicate of the Page's previous post.

Transient: 1 and 2 (Graph is unwell), 4, 17, 32 and 613 (rate limits,
https://developers.facebook.com/docs/graph-api/overview/rate-limiting), 341 and 368 (temporary
blocks), any 5xx, network failures, and any other code.
"""

from __future__ import annotations

import httpx

from amends.connectors import links
from amends.connectors.base import Capabilities, Connector, Field, PlatformError, Remote

API = "https://graph.facebook.com/v21.0"
PERMANENT = frozenset({3, 10, 100, 102, 190, 506, *range(200, 300)})
MISSING = (100, 33)  # "Object with ID ... does not exist"
RECENT = 100  # the Page's posts searched for a pfbid link: the largest page Graph gives


class Facebook(Connector):
    name = "facebook"
    label = "Facebook Page"
    capabilities = Capabilities(
        edit=True, markup=False, list_replies=True, limit=63206, unit="characters"
    )
    fields = (
        Field(
            "page",
            "the Page's id (a number: Page settings > About, or the Graph API)",
            label="Page id",
        ),
        Field(
            "token",
            "a Page access token with pages_manage_posts, pages_read_engagement and "
            "pages_manage_engagement",
            secret=True,
        ),
    )

    def check(self) -> dict:
        page = self._call("GET", self.settings["page"], params={"fields": "id,name"})
        return {"page_name": page.get("name", "")}

    def publish(self, text: str, *, key: str) -> Remote:
        post = self._call("POST", f"{self.settings['page']}/feed", data={"message": text})
        return Remote(id=post["id"], url=self._permalink(post["id"]), text=text)

    def reply(self, parent: Remote, text: str, *, key: str) -> Remote:
        """A comment on ``parent``, made as the Page."""
        comment = self._call("POST", f"{parent.id}/comments", data={"message": text})
        url = parent.url or self._permalink(parent.id)
        return Remote(id=comment["id"], url=f"{url}?comment_id={comment['id']}", text=text)

    def edit(self, remote: Remote, text: str, *, key: str) -> Remote:
        self._call("POST", remote.id, data={"message": text})
        return Remote(id=remote.id, url=remote.url, text=text, extra=remote.extra)

    def delete(self, remote: Remote) -> None:
        try:
            self._call("DELETE", remote.id)
        except _Missing:
            return  # already gone

    def fetch(self, remote: Remote) -> Remote | None:
        try:
            post = self._call("GET", remote.id, params={"fields": "message,permalink_url"})
        except _Missing:
            return None
        url = post.get("permalink_url") or remote.url
        return Remote(id=post.get("id", remote.id), url=url, text=post.get("message", ""))

    adopts = True

    def locate(self, url: str) -> Remote | None:
        """A link to a post of this Page: ``facebook.com/PAGE/posts/ID`` or ``permalink.php``/
        ``story.php?story_fbid=ID&id=PAGE``, where ID is the post's number or the obfuscated
        ``pfbid…`` that Facebook's own links now carry. A number is asked for directly as
        ``PAGE_ID``; a pfbid is found among the Page's recent posts by its ``permalink_url``
        (Graph does not take a pfbid as an id)."""
        found = links.facebook(url)
        if found is None:
            return None
        story, named = found
        page = self.settings["page"]
        if named is not None and named != page:
            return None  # another Page's post
        if story.isdigit():
            return self.fetch(Remote(id=f"{page}_{story}"))
        body = self._call(
            "GET", f"{page}/posts", params={"fields": "permalink_url", "limit": RECENT}
        )
        for post in body.get("data") or []:
            if story in _identifiers(post.get("permalink_url") or ""):
                return Remote(id=post["id"], url=post["permalink_url"])
        return None

    def find(self, key: str, text: str) -> Remote | None:
        """The newest of the Page's recent posts, or of the Page's own comments on them (a
        reply is a comment), whose message is exactly ``text``."""
        page = self.settings["page"]
        body = self._call(
            "GET", f"{page}/posts", params={"fields": "message,comments{message,from}"}
        )
        wanted = _exact(text)
        for post in body.get("data") or []:
            if _exact(post.get("message", "")) == wanted:
                return Remote(id=post["id"], url=self._permalink(post["id"]), text=text)
            for comment in (post.get("comments") or {}).get("data") or []:
                mine = (comment.get("from") or {}).get("id") == page
                if mine and _exact(comment.get("message", "")) == wanted:
                    url = f"{self._permalink(post['id'])}?comment_id={comment['id']}"
                    return Remote(id=comment["id"], url=url, text=text)
        return None

    def replies(self, remote: Remote) -> list[Remote]:
        body = self._call("GET", f"{remote.id}/comments")
        url = remote.url or self._permalink(remote.id)
        return [
            Remote(id=c["id"], url=f"{url}?comment_id={c['id']}", text=c.get("message", ""))
            for c in body.get("data") or []
        ]

    # Helpers

    def _permalink(self, post_id: str) -> str:
        page, _, post = post_id.partition("_")
        return f"https://www.facebook.com/{page}/posts/{post}" if post else ""

    def _call(self, method: str, path: str, **kwargs):
        server = self.settings.get("server", API).rstrip("/")
        response = self.seam.request(
            method,
            f"{server}/{path}",
            ok=range(400, 600),  # Graph's reasons are in the body: read below
            headers={"Authorization": f"Bearer {self.secrets.get('token', '')}"},
            **kwargs,
        )
        body = _json(response)
        if response.is_success and "error" not in body:
            return body
        raise _error(response, body)


def _identifiers(permalink: str) -> set[str]:
    """The post identifiers a permalink carries (its path's last part, its story_fbid)."""
    found = links.facebook(permalink)
    return {found[0]} if found else set()


class _Missing(PlatformError):
    """Graph's code 100, subcode 33: the object does not exist (or cannot be seen). Permanent
    where something was to be done to it; fetch and delete read it as "gone"."""


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _exact(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def _error(response: httpx.Response, body: dict) -> PlatformError:
    error: dict = body["error"] if isinstance(body.get("error"), dict) else {}
    code, subcode = error.get("code"), error.get("error_subcode")
    said = error.get("message") or response.text.strip()[:200] or response.reason_phrase
    status = response.status_code
    message = f"facebook: {status} {said}" + (f" (code {code})" if code is not None else "")
    if (code, subcode) == MISSING:
        return _Missing(message, permanent=True, status=status)
    permanent = status < 500 and code in PERMANENT
    return PlatformError(message, permanent=permanent, status=status)
