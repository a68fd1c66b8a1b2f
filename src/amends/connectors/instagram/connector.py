"""Instagram: read the force's posts and their comments, and comment; a person edits a caption
or deletes a post in Instagram's app, because the API cannot.

The Instagram Graph API (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api)
over the seam, for an Instagram professional account linked to the force's Facebook Page, with a
Page access token (instagram_basic, instagram_manage_comments, pages_read_engagement). Its
reference offers no caption edit and no deletion of a post, and publishing needs a picture: those
steps are done by hand (:attr:`Capabilities.by_hand`). Amends shows the exact step ("open the
post in the Instagram app, tap … then Edit, replace the caption with: …") and keeps it to do until
the post, read again through the API, shows it done (or a person confirms it).

Errors are Graph's, read as :mod:`amends.connectors.graph` says.
"""

from __future__ import annotations

from amends.connectors import graph, links
from amends.connectors.base import Capabilities, Connector, Field, Remote

MEDIA = "id,caption,permalink,shortcode,timestamp"
RECENT = 100  # the account's posts searched for a link's shortcode: the largest page Graph gives


class Instagram(Connector):
    name = "instagram"
    label = "Instagram"
    capabilities = Capabilities(
        edit=True,  # by hand, in Instagram's app
        markup=False,
        list_replies=True,
        limit=2200,  # a caption's length (https://help.instagram.com/1631821640426723)
        unit="characters",
        by_hand=frozenset({"publish", "notice", "edit", "delete"}),
    )
    fields = (
        Field(
            "profile",
            "the Instagram professional account's id (a number: the instagram_business_account "
            "of the force's Facebook Page, in the Graph API)",
            label="Instagram account id",
        ),
        Field(
            "token",
            "a Page access token with instagram_basic, instagram_manage_comments and "
            "pages_read_engagement",
            secret=True,
        ),
    )

    def check(self) -> dict:
        found = self._call("GET", self.settings["profile"], params={"fields": "id,username"})
        return {"username": found.get("username", "")}

    # Reading

    adopts = True

    def locate(self, url: str) -> Remote | None:
        """``instagram.com/p/CODE/`` (or ``/reel/CODE/``, with or without the account's name
        before it): found among the account's recent posts by its shortcode."""
        code = links.instagram(url)
        if code is None:
            return None
        body = self._call(
            "GET",
            f"{self.settings['profile']}/media",
            params={"fields": MEDIA, "limit": RECENT},
        )
        for media in body.get("data") or []:
            if media.get("shortcode") == code:
                return self._remote(media)
        return None

    def fetch(self, remote: Remote) -> Remote | None:
        try:
            media = self._call("GET", remote.id, params={"fields": MEDIA})
        except graph.Missing:
            return None
        return self._remote(media)

    def replies(self, remote: Remote) -> list[Remote]:
        body = self._call(
            "GET", f"{remote.id}/comments", params={"fields": "id,text,username,timestamp"}
        )
        return [
            Remote(id=c["id"], url=remote.url, text=c.get("text", ""))
            for c in body.get("data") or []
        ]

    # Commenting: a reply in the post's thread, the one thing the API writes

    def reply(self, parent: Remote, text: str, *, key: str) -> Remote:
        made = self._call("POST", f"{parent.id}/comments", data={"message": text})
        return Remote(id=made["id"], url=parent.url, text=text)

    def find(self, key: str, text: str) -> Remote | None:
        """The account's own comment with exactly ``text`` on one of its recent posts (Graph
        has no idempotency key): after a crash between commenting and recording."""
        mine = self.settings.get("username") or self.check()["username"]
        body = self._call(
            "GET",
            f"{self.settings['profile']}/media",
            params={"fields": "permalink,comments{id,text,username}", "limit": 25},
        )
        for media in body.get("data") or []:
            for comment in (media.get("comments") or {}).get("data") or []:
                if comment.get("username") == mine and comment.get("text", "").strip() == (
                    text.strip()
                ):
                    return Remote(id=comment["id"], url=media.get("permalink", ""), text=text)
        return None

    # By hand

    def by_hand(self, op: str, text: str, remote: Remote | None) -> str:
        link = f" ({remote.url})" if remote is not None and remote.url else ""
        return {
            "edit": f"Open the post in the Instagram app{link}, tap ⋯ then Edit, replace the "
            "whole caption with the text below, and tap Done.",
            "delete": f"Open the post in the Instagram app{link}, tap ⋯ then Delete, and confirm.",
            "publish": "Post this in the Instagram app with a picture, word for word.",
            "notice": "Post this notice in the Instagram app (as a post with a plain picture, "
            "or a story), word for word, so that followers see why the post has gone.",
        }.get(op) or super().by_hand(op, text, remote)

    # Helpers

    def _call(self, method: str, path: str, **kwargs) -> dict:
        return graph.call(
            self.seam, self.settings, self.secrets.get("token", ""), method, path, **kwargs
        )

    def _remote(self, media: dict) -> Remote:
        return Remote(
            id=media["id"],
            url=media.get("permalink", ""),
            text=media.get("caption", ""),
            extra={"created_at": media["timestamp"]} if media.get("timestamp") else {},
        )
