"""X: a correction is an edit while X allows one (30 minutes, 5 edits); after that, a reply.

The X API v2 (https://docs.x.com/x-api/introduction) over the seam, with an OAuth 2.0 user
access token. An edit is a new Post that replaces the old one (``edit_options.previous_post_id``)
with a new id; :attr:`Remote.extra` carries ``edit_history_tweet_ids``, oldest first. X has no
idempotency key: :meth:`X.find` reads the account's recent Posts back instead.

X hands text back with &, < and > escaped and every link replaced by its own t.co link, so
wordings are compared with :meth:`X.comparable`, never as raw strings.

Errors (https://docs.x.com/x-api/fundamentals/response-codes-and-errors) that sending again
cannot cure:

- 400 Bad Request (``invalid-request``): the Post itself is invalid, for example too long.
- 401 Unauthorized: the token is invalid, expired or revoked
  (https://docs.x.com/resources/fundamentals/authentication/overview).
- 403 Forbidden: the token lacks a scope or the app lacks access, the text duplicates a recent
  Post, or an edit came after 30 minutes or after the fifth edit
  (https://docs.x.com/x-api/fundamentals/edit-posts).

429 (https://docs.x.com/x-api/fundamentals/rate-limits), 5xx and network failures are transient,
as is any other status.
"""

from __future__ import annotations

import html
import unicodedata
from datetime import UTC, datetime, timedelta

import httpx

from amends.connectors import links
from amends.connectors.base import (
    Capabilities,
    Connector,
    Field,
    Gathered,
    Measure,
    PlatformError,
    Remote,
    Seen,
)
from amends.connectors.x import counting

API = "https://api.x.com/2"
PERMANENT = (400, 401, 403)
NOT_FOUND = "/2/problems/resource-not-found"
# note_tweet holds the whole wording of a Post longer than 280 characters, whose text is cut
# (https://docs.x.com/x-api/fundamentals/data-dictionary#tweet); author_id says whose it is.
FIELDS = {"tweet.fields": "author_id,created_at,edit_history_tweet_ids,note_tweet,text"}
RECENT = 100  # Posts read back by find(): the largest page X gives
# What the public does about a Post, with who did it: X bills each Post and user read.
READ = {
    "tweet.fields": "author_id,created_at,conversation_id,text",
    "expansions": "author_id",
    "user.fields": "username",
    "max_results": RECENT,
}


class X(Connector):
    name = "x"
    label = "X"
    capabilities = Capabilities(
        edit=True,
        markup=False,
        edit_window=timedelta(minutes=30),
        max_edits=5,
        quote=True,
        limit=counting.LIMIT,
        unit="weighted characters",
    )
    fields = (
        Field(
            "token",
            "an OAuth 2.0 user access token with the tweet.read, tweet.write and users.read scopes",
            secret=True,
        ),
    )

    # Counting

    def measure(self, text: str) -> Measure:
        limit = self.settings.get("limit", self.capabilities.limit)
        bad = counting.invalid_characters(text)
        problem = f"with {', '.join(bad)}, which X refuses (take it out)" if bad else ""
        return Measure(
            ((counting.weighted_length(text), limit, self.capabilities.unit),), problem=problem
        )

    def comparable(self, text: str) -> str:
        text = unicodedata.normalize("NFC", html.unescape(text))
        return " ".join(counting.without_links(text).split())

    # The platform

    def check(self) -> dict:
        return {"user_id": self._data(self._request("GET", "/users/me"))["id"]}

    def publish(self, text: str, *, key: str) -> Remote:
        return self._post({"text": text})

    def reply(self, parent: Remote, text: str, *, key: str) -> Remote:
        return self._post({"text": text, "reply": {"in_reply_to_tweet_id": parent.id}})

    def quote(self, quoted: Remote, text: str, *, key: str) -> Remote:
        return self._post({"text": text, "quote_tweet_id": quoted.id})

    def edit(self, remote: Remote, text: str, *, key: str) -> Remote:
        chain = remote.extra.get("edit_history_tweet_ids") or [remote.id]
        payload = {"text": text, "edit_options": {"previous_post_id": remote.id}}
        return self._post(payload, chain=chain)

    def delete(self, remote: Remote) -> None:
        """Deleting any version deletes the whole edit chain."""
        response = self._request("DELETE", f"/tweets/{remote.id}", ok=(404,))
        body = _json(response)
        if response.status_code == 404 or _not_found(body):
            return  # already gone
        if not (body.get("data") or {}).get("deleted"):
            raise PlatformError(f"x: the Post was not deleted: {_said(body)}", status=200)

    def fetch(self, remote: Remote) -> Remote | None:
        post = self._lookup(remote.id)
        return None if post is None else self._newest(post)

    def _newest(self, post: dict) -> Remote:
        newest = (post.get("edit_history_tweet_ids") or [post["id"]])[-1]
        if newest != post["id"]:  # asked by an older version's id: X answers with that version
            post = self._lookup(newest) or post
        return self._remote(post)

    adopts = True

    def locate(self, url: str) -> Remote | None:
        """``x.com/NAME/status/ID`` (or twitter.com, or ``/i/web/status/ID``), when the Post is
        this account's own (by its author_id, whatever name the link shows). Named by its
        newest version: an edited Post's older links lead to the Post as it stands."""
        post_id = links.x(url)
        if post_id is None:
            return None
        post = self._lookup(post_id)
        if post is None:
            return None
        mine = self.settings.get("user_id") or self.check()["user_id"]
        if post.get("author_id") != mine:
            return None
        return self._newest(post)

    def find(self, key: str, text: str) -> Remote | None:
        """The newest of the account's recent Posts whose wording is ``text``, compared as X
        hands it back (links as t.co links, &, < and > escaped)."""
        user = self.settings.get("user_id") or self.check()["user_id"]
        response = self._request(
            "GET", f"/users/{user}/tweets", params={"max_results": RECENT, **FIELDS}
        )
        wanted = self.comparable(text)
        for post in _json(response).get("data") or []:
            if self.comparable(post.get("text") or "") == wanted:
                return self._remote(post)
        return None

    # What the public does about the Posts: quotes, replies (the Post's conversation, from
    # where the last look stopped) and reposts. X bills every Post and user read, so each look
    # says how many it read (the desk's cost meter).
    gathers = True

    def engagement(self, watched: list[Remote], cursor: str | None) -> Gathered:
        own = self.settings.get("user_id") or self.check()["user_id"]
        seen: list[Seen] = []
        reads, newest = 0, cursor
        for remote in watched:
            first = (remote.extra.get("edit_history_tweet_ids") or [remote.id])[0]
            quotes = _json(self._request("GET", f"/tweets/{remote.id}/quote_tweets", params=READ))
            search = {**READ, "query": f"conversation_id:{first}"}
            if cursor:
                search["since_id"] = cursor
            replies = _json(self._request("GET", "/tweets/search/recent", params=search))
            found = replies.get("meta", {}).get("newest_id")
            if found and (newest is None or int(found) > int(newest)):
                newest = found
            reposted = _json(
                self._request(
                    "GET",
                    f"/tweets/{remote.id}/retweeted_by",
                    params={"user.fields": "username"},
                )
            )
            for kind, body in (("quote", quotes), ("reply", replies)):
                users = {u["id"]: u.get("username", "") for u in _included(body)}
                reads += len(body.get("data") or []) + len(users)
                for post in body.get("data") or []:
                    if post.get("author_id") == own:
                        continue  # the force's own answers are not the public's
                    seen.append(
                        Seen(
                            remote.id,
                            kind,
                            post["id"],
                            f"https://x.com/i/web/status/{post['id']}",
                            _moment(post.get("created_at")),
                            author=users.get(post.get("author_id"), ""),
                            text=html.unescape(post.get("text") or ""),
                        )
                    )
            for user in reposted.get("data") or []:
                reads += 1
                if user.get("id") == own:
                    continue
                # A repost has no page of its own, nor a time X gives: the user's profile,
                # marked with the Post reposted, seen now.
                seen.append(
                    Seen(
                        remote.id,
                        "repost",
                        f"repost:{user['id']}:{remote.id}",
                        f"https://x.com/{user.get('username', user['id'])}#repost-{remote.id}",
                        datetime.now(UTC),
                        author=user.get("username", ""),
                    )
                )
        return Gathered(seen, newest, reads=reads)

    # Helpers

    def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        server = self.settings.get("server", API).rstrip("/")
        token = self.secrets.get("token", "")
        return self.seam.request(
            method,
            f"{server}{path}",
            permanent=PERMANENT,
            message=_message,
            headers={"Authorization": f"Bearer {token}"},
            **kwargs,
        )

    def _post(self, payload: dict, *, chain: list[str] | tuple[str, ...] = ()) -> Remote:
        post = self._data(self._request("POST", "/tweets", json=payload))
        history = post.get("edit_history_tweet_ids") or [*chain, post["id"]]
        return self._remote({**post, "edit_history_tweet_ids": history})

    def _lookup(self, post_id: str) -> dict | None:
        response = self._request("GET", f"/tweets/{post_id}", params=FIELDS, ok=(404,))
        body = _json(response)
        if response.status_code == 404 or _not_found(body):
            return None
        return self._data(response)

    def _data(self, response: httpx.Response) -> dict:
        """A success that carries no data carries X's reasons in errors[] instead."""
        body = _json(response)
        if not isinstance(body.get("data"), dict):
            status = response.status_code
            raise PlatformError(f"x: {status} {_said(body)}", status=status)
        return body["data"]

    def _remote(self, post: dict) -> Remote:
        history = post.get("edit_history_tweet_ids") or [post["id"]]
        whole = (post.get("note_tweet") or {}).get("text") or post.get("text")
        return Remote(
            id=post["id"],
            url=f"https://x.com/i/web/status/{post['id']}",
            text=html.unescape(whole) if whole is not None else None,
            extra={
                "edit_history_tweet_ids": list(history),
                # When the Post was first made: X's 30 minutes to edit count from it.
                **({"created_at": post["created_at"]} if "created_at" in post else {}),
            },
        )


def _included(body: dict) -> list[dict]:
    return list((body.get("includes") or {}).get("users") or [])


def _moment(value) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _not_found(body: dict) -> bool:
    return "data" not in body and any(
        str(problem.get("type", "")).endswith(NOT_FOUND) for problem in body.get("errors") or []
    )


def _said(body: dict) -> str:
    """X's own words: the problem's detail, then each error's message or detail."""
    said = [body.get("detail") or body.get("title") or ""]
    for problem in body.get("errors") or []:
        said.append(problem.get("message") or problem.get("detail") or problem.get("title") or "")
    said = [part for part in said if part]
    return ": ".join(dict.fromkeys(said)) or "no reason given"


def _message(response: httpx.Response) -> str:
    body = _json(response)
    said = _said(body) if body else response.text.strip()[:200]
    reset = response.headers.get("x-rate-limit-reset")
    if response.status_code == 429 and reset and reset.isdigit():
        at = datetime.fromtimestamp(int(reset), UTC)
        said += f" (the limit resets at {at:%Y-%m-%d %H:%M} UTC)"
    return said or response.reason_phrase
