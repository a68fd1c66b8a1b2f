"""WordPress: posts and comments through the REST API, signed in with an application password.

Every request goes to ``<server>/wp-json/wp/v2/`` with HTTP Basic auth (the user name and an
application password, which WordPress accepts only over https or on a site whose environment is
``local``), through the connector's seam. The site needs pretty permalinks, as nearly every
site has: with plain ones WordPress does not answer under ``/wp-json/``.

Text. Amends writes plain text and WordPress holds HTML. :meth:`WordPress.publish` and
:meth:`WordPress.reply` take plain text and escape it; :meth:`WordPress.edit` takes the text the
correction strategy built (:func:`amends.connectors.strategy.edit_text`), which on this platform
(``markup=True``) is HTML already: ``<del>``/``<ins>`` with visually hidden labels and a note.
Its ``visually-hidden`` class becomes ``screen-reader-text``, the class WordPress themes hide.
Posts are sent as explicit paragraphs, so they read the same on themes that turn WordPress's
own paragraph filter off; comments are sent as text, since WordPress always formats comments.
``Remote.text`` is always the content as WordPress holds it (``content.raw``): what a later
fetch returns when nobody has touched the post.

Ids. ``Remote.id`` says what the item is: ``post:12`` or ``comment:34`` (a reply is a comment;
a reply to a reply is a comment with a parent). ``extra`` repeats the type, and for a comment
its post. A bare number is read as a post.

Keys. A post's slug is its title's words followed by the last eight hex digits of the delivery
key (``witness-appeal-closes-on-4-may-9f86d081``): readable in a shared link, and enough to find
the post again after a crash, because WordPress 6.1 lets a client choose the slug but stores no
other field of ours without a plugin (post meta must be registered by one). A comment carries
the key in its ``author_user_agent``, which the REST API lets the author set and shows in the
edit context. :meth:`WordPress.find` looks for both.

The account must be an Editor or an Administrator: reading comments in the edit context (their
raw text, and the key in a comment) needs the ``moderate_comments`` capability.
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, datetime, timedelta

import httpx

from amends.connectors import links
from amends.connectors.base import Capabilities, Connector, Field, PlatformError, Remote
from amends.connectors.http import message_of

TITLE_LIMIT = 60
SLUG_WORDS = 50  # characters of the title's words in a slug, before the key
PAGE = 100  # the REST API's largest page
PAGES = 20  # at most this many pages of one listing

# Errors WordPress documents as final: the same request cannot succeed later. By error code,
# because WordPress answers 401 or 403 for the same refusal depending on whether anyone is
# signed in. Codes from the REST API handbook and the controllers that raise them:
# https://developer.wordpress.org/rest-api/using-the-rest-api/authentication/
# https://developer.wordpress.org/rest-api/reference/posts/
# https://developer.wordpress.org/rest-api/reference/comments/
# (wp-includes/rest-api/endpoints/class-wp-rest-{posts,comments}-controller.php, user.php)
PERMANENT = frozenset(
    {
        "rest_not_logged_in",  # 401: no valid credentials reached WordPress
        "incorrect_password",  # 401: not an application password of this user
        "invalid_username",
        "invalid_email",
        "application_passwords_disabled",  # the site allows none (plain http, or a plugin)
        "application_passwords_disabled_for_user",
        "rest_cannot_create",  # 401/403: the user may not create posts
        "rest_cannot_edit",  # the user may not edit this post or comment
        "rest_cannot_publish",
        "rest_cannot_delete",
        "rest_forbidden_context",  # the user may not read the edit context (not an editor)
        "rest_invalid_param",  # 400: a parameter WordPress will never accept
        "rest_post_invalid_id",  # 404: the post is gone (for an edit)
        "rest_comment_invalid_id",  # 404: the comment is gone
        "rest_comment_invalid_post_id",  # 403: a reply to a post that is gone
        "rest_comment_trash_post",  # 403: a reply to a post in the trash
        "rest_comment_draft_post",
        "rest_comment_closed",  # 403: comments are closed on that post
        "rest_comment_content_invalid",  # 400: an empty comment
        "comment_duplicate",  # 409: WordPress refuses the same comment twice
    }
)
ANY_STATUS = range(100, 600)  # the seam hands every answer back; permanence is decided here

BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
BLOCK = re.compile(r"<(p|div|ul|ol|h[1-6]|blockquote|figure|table|pre|hr)\b", re.IGNORECASE)
VOID = frozenset({"br", "img", "hr", "wbr"})


class WordPress(Connector):
    name = "wordpress"
    label = "WordPress"
    capabilities = Capabilities(edit=True, markup=True, list_replies=True, limit=None)
    fields = (
        Field("server", "the site's URL"),
        Field("user", "the WordPress user name", label="User name"),
        Field("password", "an application password", secret=True),
    )

    def __init__(self, handle, settings, secrets, *, seam=None):
        super().__init__(handle, settings, secrets, seam=seam)
        server = str(settings.get("server", "")).strip().rstrip("/")
        if server and "://" not in server:
            server = f"https://{server}"
        self.api = f"{server}/wp-json/wp/v2/"
        self._me: int | None = settings.get("user_id")

    # The platform.

    def check(self) -> dict:
        """The user behind the application password, who must be able to publish posts and
        moderate comments (an Editor or an Administrator)."""
        me = self._json(self._call("GET", "users/me", params={"context": "edit"}))
        capabilities = me.get("capabilities") or {}
        lacking = [c for c in ("publish_posts", "moderate_comments") if not capabilities.get(c)]
        if lacking:
            roles = ", ".join(me.get("roles") or []) or "no role"
            raise PlatformError(
                f"wordpress: {me.get('username') or self.settings.get('user')} is {roles} and "
                f"lacks {' and '.join(lacking)}; Amends needs an Editor or an Administrator",
                permanent=True,
            )
        self._me = me["id"]
        return {"user_id": me["id"]}

    def publish(self, text: str, *, key: str) -> Remote:
        """A published post. Its title is the text's first words, cut at a word boundary to at
        most 60 characters with an ellipsis when cut; its slug is the title's words and the
        key (see the module's docstring); its content the text in paragraphs, escaped."""
        payload = {
            "title": html.escape(title_of(text), quote=False),
            "content": paragraphs(html.escape(text, quote=False)),
            "status": "publish",
            "slug": slug_of(text, key),
        }
        return self._post_remote(self._json(self._call("POST", "posts", json=payload)))

    def reply(self, parent: Remote, text: str, *, key: str) -> Remote:
        """A comment by the signed-in user on the parent post, or under the parent comment."""
        kind, number = parse_id(parent.id)
        payload: dict[str, object] = {
            "content": html.escape(text, quote=False),
            "author_user_agent": agent(key),
        }
        if kind == "post":
            payload["post"] = number
        else:
            post = parent.extra.get("post") or self._comment(number)["post"]
            payload.update(post=int(post), parent=number)
        return self._comment_remote(self._json(self._call("POST", "comments", json=payload)))

    def edit(self, remote: Remote, text: str, *, key: str) -> Remote:
        """Replace the content with ``text``, HTML built by the correction strategy.

        WordPress makes no revision when a post is created, and the revision each update makes
        holds the new wording. So before a post's first edit it is saved once unchanged, which
        makes WordPress keep the wording as it stands (the original, or what someone changed it
        to) as a revision: the original is snapshotted before the first edit, and the site's
        own history shows every wording.
        """
        kind, number = parse_id(remote.id)
        text = text.replace('class="visually-hidden"', 'class="screen-reader-text"')
        if kind == "comment":
            body = self._json(self._call("POST", f"comments/{number}", json={"content": text}))
            return self._comment_remote(body)
        self._keep_wording(number)
        content = {"content": paragraphs(text)}
        return self._post_remote(self._json(self._call("POST", f"posts/{number}", json=content)))

    def delete(self, remote: Remote) -> None:
        """To the trash first, so that the item leaves public view through the ordinary status
        change that caches and feeds listen for, then for good (``force``), which takes its
        revisions and comments with it. Already gone is not an error."""
        kind, number = parse_id(remote.id)
        path = f"{kind}s/{number}"
        # 410: already in the trash; 501: this site keeps no trash (EMPTY_TRASH_DAYS is 0).
        trashed = self._call("DELETE", path, ok=(404, 410, 501))
        if trashed.status_code == 404:
            return
        self._call("DELETE", path, params={"force": "true"}, ok=(404, 410))

    def fetch(self, remote: Remote) -> Remote | None:
        """The item as WordPress holds it now; None when it is gone, in the trash or spam."""
        kind, number = parse_id(remote.id)
        response = self._call("GET", f"{kind}s/{number}", params={"context": "edit"}, ok=(404, 410))
        if response.status_code in (404, 410):
            return None
        body = self._json(response)
        if body.get("status") in ("trash", "spam"):
            return None
        return self._post_remote(body) if kind == "post" else self._comment_remote(body)

    adopts = True

    def locate(self, url: str) -> Remote | None:
        """A link to a post on this site (``?p=12`` or its permalink): the post, by its id."""
        found = links.wordpress(url, self.settings.get("server") or "")
        if found is None:
            return None
        how, value = found
        if how == "id":
            return Remote(id=f"post:{value}")
        params = {"slug": value, "status": "publish,private,draft,future", "context": "edit"}
        posts = self._json(self._call("GET", "posts", params=params))
        return Remote(id=f"post:{posts[0]['id']}") if posts else None

    def find(self, key: str, text: str) -> Remote | None:
        """The post whose slug this key and text make, else the comment by this user that
        carries the key; None when neither exists.

        A post someone has put in the trash since is found too (WordPress then adds
        ``__trashed`` to its slug): it was made, and making it again would undo their choice.
        """
        slug = slug_of(text, key)
        params: dict[str, object] = {
            "slug": f"{slug},{slug}__trashed",
            "status": "any,trash",
            "context": "edit",
        }
        posts = self._json(self._call("GET", "posts", params=params))
        if posts:
            return self._post_remote(posts[0])
        params = {
            "author": self._user_id(),
            "context": "edit",
            "status": "all",
        }
        made = made_at(key)
        if made is not None:
            # Comment dates are in the site's time zone: a day's margin covers any zone.
            params["after"] = (made - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
        for comment in self._pages("comments", params):
            if comment.get("author_user_agent") == agent(key):
                return self._comment_remote(comment)
        return None

    def replies(self, remote: Remote) -> list[Remote]:
        """Approved comments on the post (or answers to the comment), oldest first."""
        kind, number = parse_id(remote.id)
        params = {"context": "edit", "order": "asc", "post" if kind == "post" else "parent": number}
        return [self._comment_remote(c) for c in self._pages("comments", params)]

    # Requests.

    def _call(self, method: str, path: str, *, ok=(), **kwargs) -> httpx.Response:
        auth = (str(self.settings.get("user", "")), str(self.secrets.get("password", "")))
        response = self.seam.request(method, self.api + path, auth=auth, ok=ANY_STATUS, **kwargs)
        status = response.status_code
        if response.is_success or status in ok:
            return response
        message = message_of(response)  # a redirect never gets here: the seam refuses it
        if status == 401:
            message += (
                " (check the user name and the application password; WordPress accepts "
                "application passwords only over https)"
            )
        code = error_code(response)
        raise PlatformError(
            f"wordpress: {status} {message}",
            permanent=400 <= status < 500 and code in PERMANENT,
            status=status,
        )

    def _json(self, response: httpx.Response):
        try:
            return response.json()
        except ValueError:
            raise PlatformError(
                f"wordpress: {response.url.path} answered {response.status_code} with no JSON; "
                "is the server the WordPress site's address?",
                status=response.status_code,
            ) from None

    def _pages(self, path: str, params: dict) -> list[dict]:
        items: list[dict] = []
        for page in range(1, PAGES + 1):
            response = self._call("GET", path, params={**params, "per_page": PAGE, "page": page})
            items += self._json(response)
            if page >= int(response.headers.get("x-wp-totalpages") or 1):
                break
        return items

    def _keep_wording(self, number: int) -> None:
        params = {"per_page": 1, "_fields": "id"}
        listed = self._call("GET", f"posts/{number}/revisions", params=params, ok=(404,))
        # 404: the post is gone; the edit itself then fails with WordPress's own reason.
        if listed.status_code != 404 and not self._json(listed):
            self._call("POST", f"posts/{number}", json={})

    def _comment(self, number: int) -> dict:
        return self._json(self._call("GET", f"comments/{number}", params={"context": "edit"}))

    def _user_id(self) -> int:
        if self._me is None:
            me = self._json(self._call("GET", "users/me"))
            self._me = me["id"]
        return self._me

    def _post_remote(self, body: dict) -> Remote:
        return Remote(
            id=f"post:{body['id']}",
            url=body.get("link", ""),
            text=_raw(body),
            extra={"type": "post"},
        )

    def _comment_remote(self, body: dict) -> Remote:
        return Remote(
            id=f"comment:{body['id']}",
            url=body.get("link", ""),
            text=_raw(body),
            extra={"type": "comment", "post": body.get("post")},
        )


def _raw(body: dict) -> str | None:
    content = body.get("content") or {}
    return content.get("raw", content.get("rendered"))


def parse_id(remote_id: str) -> tuple[str, int]:
    """``post:12`` → ("post", 12); ``comment:34`` → ("comment", 34); ``12`` → ("post", 12)."""
    kind, _, number = remote_id.rpartition(":")
    kind = kind or "post"
    if kind not in ("post", "comment") or not number.isdigit():
        raise PlatformError(f"wordpress: {remote_id!r} is not a post or comment id", permanent=True)
    return kind, int(number)


def error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("code", "")) if isinstance(body, dict) else ""


def title_of(text: str) -> str:
    """The text's first words, at most 60 characters: cut at a word boundary, with an ellipsis
    when cut (a single word longer than that is cut inside the word)."""
    words = " ".join(text.split())
    if len(words) <= TITLE_LIMIT:
        return words
    cut = words[: TITLE_LIMIT - 1]
    if words[TITLE_LIMIT - 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "\u2026"


def slug_of(text: str, key: str) -> str:
    """The title's words in lowercase ASCII, then the key's last eight characters."""
    title = unicodedata.normalize("NFKD", title_of(text)).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", title.lower())
    base = ""
    for word in words:
        if len(base) + len(word) + 1 > SLUG_WORDS:
            break
        base = f"{base}-{word}" if base else word
    tail = re.sub(r"[^a-z0-9]", "", key.lower())[-8:] or "0"
    return f"{base or 'post'}-{tail}"


def agent(key: str) -> str:
    """What a comment's ``author_user_agent`` holds: the delivery key that made it."""
    return f"Amends delivery {key}"


def made_at(key: str) -> datetime | None:
    """When the delivery was created, from its key's first 16 hex digits (microseconds since
    the epoch); None for a key of another shape."""
    try:
        micros = int(key[:16], 16)
        when = datetime.fromtimestamp(micros / 1_000_000, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return when if 2000 <= when.year <= 9000 else None


def paragraphs(markup: str) -> str:
    """HTML in paragraphs: a blank line ends one, a single line break becomes ``<br />``.

    A chunk that already is a block (the correction note's ``<p>``) stays as it is. An inline
    element open across a blank line (a ``<del>`` over two paragraphs) is closed at the end of
    one paragraph and opened again at the start of the next, so that each is well formed.
    """
    markup = markup.strip()
    if not markup:
        return ""
    out: list[str] = []
    carried: list[tuple[str, str]] = []  # (name, start tag) open at the end of the last chunk
    for chunk in BLANK_LINE.split(markup):
        if not carried and BLOCK.match(chunk):
            out.append(chunk)
            continue
        still_open = list(carried)
        for match in TAG.finditer(chunk):
            closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
            if name in VOID or self_closing:
                continue
            if not closing:
                still_open.append((name, match.group(0)))
            elif still_open and still_open[-1][0] == name:
                still_open.pop()
        opening = "".join(tag for _, tag in carried)
        closing_tags = "".join(f"</{name}>" for name, _ in reversed(still_open))
        body = (opening + chunk + closing_tags).replace("\n", "<br />\n")
        out.append(f"<p>{body}</p>")
        carried = still_open
    return "\n\n".join(out)
