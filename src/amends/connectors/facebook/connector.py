"""Facebook Pages: a correction edits the post's message in place, with a plain-words note.

The Graph API (https://developers.facebook.com/docs/pages-api/posts) over the seam, with a Page
access token sent in the Authorization header, never in a URL. Graph has no idempotency key:
:meth:`Facebook.find` reads the Page's recent posts (and the Page's own comments on them) back.

Graph's errors, permanent and transient, are read as :mod:`amends.connectors.graph` says.
"""

from __future__ import annotations

from amends.connectors import graph, links
from amends.connectors.base import Capabilities, Connector, Field, Gathered, Remote, Seen

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
        except graph.Missing:
            return  # already gone

    def fetch(self, remote: Remote) -> Remote | None:
        try:
            post = self._call("GET", remote.id, params={"fields": "message,permalink_url"})
        except graph.Missing:
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

    # What the public does about the posts: comments (replies) and public shares. Two requests
    # a post a look; Graph's rate limits answer as errors the gathering backs off from.
    gathers = True

    def engagement(self, watched: list[Remote], cursor: str | None) -> Gathered:
        own = str(self.settings.get("page", ""))
        seen: list[Seen] = []
        reads = 0
        for remote in watched:
            url = remote.url or self._permalink(remote.id)
            fields = "id,from,message,created_time"
            comments = self._call("GET", f"{remote.id}/comments", params={"fields": fields})
            shares = self._call(
                "GET", f"{remote.id}/sharedposts", params={"fields": f"{fields},permalink_url"}
            )
            for kind, body in (("reply", comments), ("repost", shares)):
                for item in body.get("data") or []:
                    reads += 1
                    author = item.get("from") or {}
                    if str(author.get("id", "")) == own:
                        continue  # the Page's own answers are not the public's
                    link = (
                        f"{url}?comment_id={item['id']}"
                        if kind == "reply"
                        else item.get("permalink_url") or f"https://www.facebook.com/{item['id']}"
                    )
                    seen.append(
                        Seen(
                            remote.id,
                            kind,
                            item["id"],
                            link,
                            _moment(item.get("created_time")),
                            author=author.get("name", ""),
                            text=item.get("message", ""),
                        )
                    )
        return Gathered(seen, cursor, reads=reads)

    # Helpers

    def _permalink(self, post_id: str) -> str:
        page, _, post = post_id.partition("_")
        return f"https://www.facebook.com/{page}/posts/{post}" if post else ""

    def _call(self, method: str, path: str, **kwargs):
        return graph.call(
            self.seam, self.settings, self.secrets.get("token", ""), method, path, **kwargs
        )


def _identifiers(permalink: str) -> set[str]:
    """The post identifiers a permalink carries (its path's last part, its story_fbid)."""
    found = links.facebook(permalink)
    return {found[0]} if found else set()


def _moment(value):
    from datetime import UTC, datetime

    try:  # Graph writes +0000, which fromisoformat reads
        return datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.now(UTC)


def _exact(text: str) -> str:
    return text.replace("\r\n", "\n").strip()
