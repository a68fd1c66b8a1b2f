"""Mastodon: corrections are edits in place, and the public edit history keeps the original.

Mastodon.py does the talking, over the seam's requests session (which sends through the seam's
guarded httpx client), so every exchange is timed, summarised and guarded like any other
platform's. Accounts use an access token (Mastodon.py refuses password
login on servers from 4.4 on). Mastodon shows no markup in posts, so a correction is the new
wording followed by a plain-words note.

Errors (https://docs.joinmastodon.org/client/intro/#responses,
https://docs.joinmastodon.org/entities/Error/) that sending again cannot cure:

- 401 Unauthorized: the token is invalid or revoked
  (https://docs.joinmastodon.org/methods/statuses/#create).
- 403 Forbidden: the token may not do this, or the account is disabled or suspended.
- 404 Not Found on the status being edited or replied to: it was deleted
  (https://docs.joinmastodon.org/methods/statuses/#edit).
- 422 Unprocessable Content: the status failed validation, for example it is too long; the error
  carries Mastodon's own words.

429 (https://docs.joinmastodon.org/api/rate-limits/), 5xx and network failures are transient, as
is any other status.
"""

from __future__ import annotations

from html.parser import HTMLParser

from mastodon import Mastodon as Client
from mastodon import (
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonRatelimitError,
)

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
from amends.connectors.http import TIMEOUT, USER_AGENT
from amends.connectors.mastodon import counting

PERMANENT = frozenset({401, 403, 422})
RECENT = 40  # statuses looked through by find(): Mastodon's largest page


class Mastodon(Connector):
    name = "mastodon"
    label = "Mastodon"
    capabilities = Capabilities(
        edit=True, markup=False, list_replies=True, limit=counting.LIMIT, unit="characters"
    )
    fields = (
        Field("server", "the server's address, such as https://mastodon.social"),
        Field(
            "token",
            "an access token with the read and write scopes (Preferences > Development)",
            secret=True,
        ),
    )

    _client: Client | None = None

    # Counting

    def measure(self, text: str) -> Measure:
        url_length = self.settings.get("url_length", counting.URL_LENGTH)
        limit = self.settings.get("limit", self.capabilities.limit)
        return Measure(((counting.length(text, url_length=url_length), limit, "characters"),))

    # The platform

    def check(self) -> dict:
        """The account's id and the instance's own limits (some servers allow far more than
        500 characters; links may count other than 23)."""
        account = self._call(lambda api: api.account_verify_credentials())
        try:
            instance = self._call(lambda api: api.instance_v2())
        except PlatformError as error:
            if error.status != 404:  # servers before 4.0 have only the first version
                raise
            instance = self._call(lambda api: api.instance_v1())
        statuses = (instance.get("configuration") or {}).get("statuses") or {}
        limit = statuses.get("max_characters") or instance.get("max_toot_chars")
        url_length = statuses.get("characters_reserved_per_url")
        return {
            "limit": int(limit or counting.LIMIT),
            "url_length": int(url_length or counting.URL_LENGTH),
            "account_id": str(account["id"]),
        }

    def publish(self, text: str, *, key: str) -> Remote:
        # Mastodon keeps an Idempotency-Key for an hour: a retry with the same key returns the
        # status already made instead of making another.
        status = self._call(lambda api: api.status_post(text, idempotency_key=key))
        return self._remote(status, text)

    def reply(self, parent: Remote, text: str, *, key: str) -> Remote:
        status = self._call(
            lambda api: api.status_post(text, in_reply_to_id=parent.id, idempotency_key=key),
            gone_is_permanent=True,
        )
        return self._remote(status, text)

    def edit(self, remote: Remote, text: str, *, key: str) -> Remote:
        status = self._call(lambda api: api.status_update(remote.id, text), gone_is_permanent=True)
        return self._remote(status, text)

    def delete(self, remote: Remote) -> None:
        try:
            self._call(lambda api: api.status_delete(remote.id))
        except PlatformError as error:
            if error.status != 404:  # already gone is what was asked for
                raise

    def fetch(self, remote: Remote) -> Remote | None:
        try:
            status = self._call(lambda api: api.status(remote.id))
        except PlatformError as error:
            if error.status == 404:
                return None
            raise
        return self._remote(status, self._source(status))

    adopts = True

    def locate(self, url: str) -> Remote | None:
        """``https://INSTANCE/@NAME/ID`` (or ``/users/NAME/statuses/ID``) on this account's
        instance, when the status is this account's own."""
        found = links.mastodon(url, self.settings.get("server") or "")
        if found is None:
            return None
        try:
            status = self._call(lambda api: api.status(found))
        except PlatformError as error:
            if error.status == 404:
                return None
            raise
        mine = self.settings.get("account_id") or str(
            self._call(lambda api: api.account_verify_credentials())["id"]
        )
        return Remote(id=str(status["id"])) if str(status["account"]["id"]) == mine else None

    def find(self, key: str, text: str) -> Remote | None:
        """The newest of the account's recent statuses whose wording is exactly ``text``.

        Publishing again with the same key within the hour is safe in any case (Mastodon keeps
        Idempotency-Key for an hour); reading back covers a crash more than an hour old.
        Rendered HTML loses details (a remote mention's domain, line breaks), so candidates
        are picked by their rendered words and confirmed against their source text.
        """
        me = self.settings.get("account_id")
        if me is None:
            me = self._call(lambda api: api.account_verify_credentials())["id"]
        statuses = self._call(
            lambda api: api.account_statuses(me, exclude_reblogs=True, limit=RECENT)
        )
        wanted = _loose(text)
        for status in statuses:
            if _loose(plain_text(status.get("content") or "")) != wanted:
                continue
            source = self._source(status)
            if _exact(source) == _exact(text):
                return self._remote(status, source)
        return None

    def replies(self, remote: Remote) -> list[Remote]:
        context = self._call(lambda api: api.status_context(remote.id))
        return [
            self._remote(status, plain_text(status.get("content") or ""))
            for status in context.get("descendants", [])
        ]

    # What the public does about the posts: replies (the thread below each), quotes (Mastodon
    # 4.5's quote posts; older servers have none) and boosts. Three requests a post a look.
    gathers = True

    def engagement(self, watched: list[Remote], cursor: str | None) -> Gathered:
        from datetime import UTC, datetime

        own = self.settings.get("account_id") or str(
            self._call(lambda api: api.account_verify_credentials())["id"]
        )
        seen: list[Seen] = []
        reads = 0
        for remote in watched:
            status_id = remote.id
            statuses = [
                ("reply", s)
                for s in self._call(lambda api: api.status_context(status_id))["descendants"]  # noqa: B023
            ]
            try:
                quotes = self._call(lambda api: api.status_quotes(status_id))  # noqa: B023
            except PlatformError as error:
                if error.status not in (404, 410):
                    raise
                quotes = []
            statuses += [("quote", s) for s in quotes]
            boosted = self._call(lambda api: api.status_reblogged_by(status_id))  # noqa: B023
            reads += 3
            for kind, status in statuses:
                if str(status["account"]["id"]) == own:
                    continue  # the force's own answers are not the public's
                seen.append(
                    Seen(
                        remote.id,
                        kind,
                        str(status["id"]),
                        status.get("url") or status.get("uri") or "",
                        _moment(status.get("created_at")),
                        author=status["account"].get("acct", ""),
                        text=plain_text(status.get("content") or ""),
                    )
                )
            for account in boosted:
                if str(account["id"]) == own:
                    continue
                # A boost has no page of its own, nor a time the API gives: the booster's
                # profile, marked with the post boosted, seen now.
                seen.append(
                    Seen(
                        remote.id,
                        "repost",
                        f"boost:{account['id']}:{remote.id}",
                        f"{account.get('url', '')}#boost-{remote.id}",
                        datetime.now(UTC),
                        author=account.get("acct", ""),
                    )
                )
        return Gathered(seen, cursor, reads=reads)

    # Helpers

    def _api(self) -> Client:
        if self._client is None:
            client = Client(
                api_base_url=self.settings["server"],
                session=self.seam.session(),
                ratelimit_method="throw",  # the worker retries later; never sleep in a delivery
                # requests takes (connect, read); Mastodon.py's hint says float only.
                request_timeout=(TIMEOUT.connect, TIMEOUT.read),  # type: ignore[arg-type]
                user_agent=USER_AGENT,
                version_check_mode="none",
            )
            # Set after construction: given to the constructor, a token that happens to name a
            # file is read from that file.
            client.access_token = self.secrets.get("token")
            self._client = client
        return self._client

    def _call(self, call, *, gone_is_permanent: bool = False):
        try:
            return call(self._api())
        except MastodonRatelimitError:
            raise PlatformError("mastodon: 429 rate limited; try later", status=429) from None
        except MastodonNetworkError as error:
            if isinstance(error.__context__, PlatformError):  # the seam's own (a redirect)
                raise error.__context__ from None
            server = self.settings.get("server")
            raise PlatformError(f"mastodon: cannot reach {server}: {_reason(error)}") from None
        except MastodonAPIError as error:
            status, reason, said = _parts(error)
            permanent = status in PERMANENT or (status == 404 and gone_is_permanent)
            raise PlatformError(
                f"mastodon: {status} {said or reason}", permanent=permanent, status=status
            ) from None
        except MastodonError as error:
            raise PlatformError(f"mastodon: {error}") from None

    def _source(self, status) -> str:
        """The text a status was written with (plain, as sent). Servers before 3.5 have no
        source endpoint: the rendered words then stand in."""
        try:
            return self._call(lambda api: api.status_source(status["id"]))["text"]
        except PlatformError as error:
            if error.status != 404:
                raise
            return plain_text(status.get("content") or "")

    def _remote(self, status, text: str | None) -> Remote:
        url = status.get("url") or status.get("uri") or ""
        return Remote(id=str(status["id"]), url=url, text=text)


def _moment(value):
    from datetime import UTC, datetime

    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)


def _parts(error: MastodonAPIError) -> tuple[int | None, str, str]:
    """Mastodon.py raises with (message, status, reason, Mastodon's error text)."""
    args = [*error.args, None, None, None, None]
    status = args[1] if isinstance(args[1], int) else None
    return status, str(args[2] or args[0] or ""), str(args[3] or "")


def _reason(error: MastodonNetworkError) -> str:
    text = str(error)
    return text.split("(Caused by ", 1)[-1].rstrip(")") if "Caused by" in text else text


def _exact(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def _loose(text: str) -> str:
    return " ".join(counting.without_domains(text).split())


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html: str) -> str:
    """The words of a status as Mastodon renders it: paragraphs and line breaks kept, links
    and mentions whole (Mastodon splits long links into hidden and shown spans)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)
