"""Bluesky: posts are records in the account's repository on its PDS, written with the atproto SDK.

Bluesky has no edit, so a correction goes as a reply in the post's thread. Every post gets a
record key (rkey) chosen here from the delivery's key, so a retry writes to the same place and
cannot post twice, and :meth:`Bluesky.find` can look the post up after a crash. There is no
AppView behind a bare PDS (and none is needed): everything is read back with
``com.atproto.repo.getRecord``.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
from atproto_client import Client
from atproto_client import exceptions as sdk
from atproto_client.models.common import XrpcError
from atproto_client.request import Request, RequestBase
from atproto_core.did_doc import DidDocument
from atproto_core.exceptions import AtProtocolError
from atproto_core.uri import AtUri
from atproto_identity.did.atproto_data import AtprotoData

from amends.connectors import links
from amends.connectors.base import (
    Capabilities,
    Connector,
    Field,
    Gathered,
    Measure,
    PlatformError,
    Proof,
    Remote,
)
from amends.connectors.bluesky import counting, richtext
from amends.evidence import verify

POST = "app.bsky.feed.post"
WEB = "https://bsky.app"
PLC = "https://plc.directory"
CAR = "application/vnd.ipld.car"

# Errors Bluesky documents as permanent, by the XRPC method that answers them: the same request
# cannot succeed later. Anything else, including an unknown 4xx, is worth trying again.
# https://docs.bsky.app/docs/api/com-atproto-server-create-session
# https://docs.bsky.app/docs/api/com-atproto-repo-create-record
# https://atproto.com/specs/xrpc#error-responses
PERMANENT = {
    "com.atproto.server.createSession": {
        "AuthenticationRequired",  # 401 "Invalid identifier or password"
        "AccountTakedown",  # the account was taken down by the service
        "AuthFactorTokenRequired",  # a main password with email 2FA: use an app password
    },
    "com.atproto.repo.createRecord": {
        "InvalidRequest",  # 400: the record breaks the post lexicon (too long, bad facets)
    },
}

_KEY = re.compile(r"[0-9a-f]{24}")
_BASE32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"


def rkey_for(key: str) -> str:
    """The record key (a TID) for the delivery ``key``: the same key always gives the same TID.

    The outbox's keys are 16 hex digits of microseconds since the epoch and 8 random hex digits;
    a TID is those microseconds (53 bits) and a 10-bit clock id, here taken from the random
    part, written in base32-sortable. Other keys are hashed to a valid TID.
    See https://atproto.com/specs/tid.
    """
    if _KEY.fullmatch(key):
        micros, clock = int(key[:16], 16), int(key[16:], 16) & 0x3FF
    else:
        digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
        micros, clock = digest >> 10, digest & 0x3FF
    value = ((micros & (2**53 - 1)) << 10) | clock
    return "".join(_BASE32_SORTABLE[(value >> shift) & 31] for shift in range(60, -1, -5))


class _SeamRequest(Request):
    """The SDK's requests, sent with the Seam's httpx client so every exchange is recorded.

    The SDK's Request keeps its httpx client in ``_client``; this hands it the Seam's instead of
    making its own. The unit tests, which answer through the Seam's mock transport, fail if
    that ever stops being so.
    """

    def __init__(self, client: httpx.Client):
        RequestBase.__init__(self)
        self._client = client
        # Ours, not the SDK's: the platform sees who is calling.
        self.add_additional_header("User-Agent", client.headers["User-Agent"])

    def _new_instance(self) -> _SeamRequest:
        return type(self)(self._client)

    def close(self) -> None:  # the Seam owns the client
        pass


class Bluesky(Connector):
    name = "bluesky"
    label = "Bluesky"
    capabilities = Capabilities(
        edit=False, quote=True, list_replies=False, limit=counting.GRAPHEMES, unit="graphemes"
    )
    fields = (
        Field("server", "the PDS URL, e.g. https://bsky.social"),
        Field("password", "an app password", secret=True),
        Field(
            "plc",
            f"the PLC directory that publishes accounts' keys (default {PLC})",
            required=False,
            label="PLC directory",
        ),
        Field(
            "firehose",
            "where to read what the public does about posts (a relay's URL, e.g. "
            "https://bsky.network; default: the account's own server)",
            required=False,
            label="Event stream",
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._client: Client | None = None
        self.did: str | None = None  # the account's DID, once logged in
        self._shown_as = self.handle  # the handle in bsky.app links, as the PDS spells it

    def measure(self, text: str) -> Measure:
        return counting.measure(text, limit=self.settings.get("limit", counting.GRAPHEMES))

    # The platform.

    def check(self) -> dict:
        self._login()
        return {"did": self.did}

    def publish(self, text: str, *, key: str) -> Remote:
        return self._create(self._record(text), key)

    def reply(self, parent: Remote, text: str, *, key: str) -> Remote:
        parent_cid, root_uri, root_cid = (
            parent.extra.get("cid"),
            parent.extra.get("root_uri"),
            parent.extra.get("root_cid"),
        )
        if not (parent_cid and root_uri and root_cid):
            found = self.fetch(parent)
            if found is None:
                raise PlatformError(
                    f"bluesky: the post to reply to is no longer there: {parent.id}",
                    permanent=True,
                )
            parent_cid, root_uri, root_cid = (
                found.extra["cid"],
                found.extra["root_uri"],
                found.extra["root_cid"],
            )
        record = self._record(text)
        record["reply"] = {
            "root": {"uri": root_uri, "cid": root_cid},
            "parent": {"uri": parent.id, "cid": parent_cid},
        }
        return self._create(record, key)

    def quote(self, quoted: Remote, text: str, *, key: str) -> Remote:
        """A new post embedding the quoted one (app.bsky.embed.record): seen by everyone who
        follows the account, not only by readers of the thread."""
        cid = quoted.extra.get("cid")
        if not cid:
            found = self.fetch(quoted)
            if found is None:
                raise PlatformError(
                    f"bluesky: the post to quote is no longer there: {quoted.id}", permanent=True
                )
            cid = found.extra["cid"]
        record = self._record(text)
        record["embed"] = {
            "$type": "app.bsky.embed.record",
            "record": {"uri": quoted.id, "cid": cid},
        }
        return self._create(record, key)

    def edit(self, remote: Remote, text: str, *, key: str) -> Remote:
        raise PlatformError(
            "bluesky: Bluesky cannot edit a post; send the correction as a reply", permanent=True
        )

    def delete(self, remote: Remote) -> None:
        uri = AtUri.from_str(remote.id)
        client = self._login()
        with self._errors("com.atproto.repo.deleteRecord", "delete the post"):
            # The reference PDS answers 200 for a record that is not there; other servers may
            # say RecordNotFound. Either way the post is gone, as asked.
            try:
                client.com.atproto.repo.delete_record(
                    {"repo": uri.hostname, "collection": uri.collection, "rkey": uri.rkey}
                )
            except sdk.BadRequestError as error:
                if _error_name(error) != "RecordNotFound":
                    raise

    def fetch(self, remote: Remote) -> Remote | None:
        uri = AtUri.from_str(remote.id)
        return self._get(uri.hostname, uri.collection, uri.rkey)

    def find(self, key: str, text: str) -> Remote | None:
        return self._get(self.own_did(), POST, rkey_for(key))

    adopts = True

    def locate(self, url: str) -> Remote | None:
        """``https://bsky.app/profile/HANDLE-OR-DID/post/RKEY`` or ``at://DID/app.bsky.feed.post/
        RKEY``, when the handle or DID is this account's."""
        found = links.bluesky(url)
        if found is None:
            return None
        who, rkey = found[0].lower(), found[1]
        did = self.own_did()  # logs in: the handle as the PDS spells it is known after
        if who not in {self.handle.lower(), self._shown_as.lower(), did.lower()}:
            return None
        return Remote(id=f"at://{did}/{POST}/{rkey}")

    def prove(self, remote: Remote) -> Proof:
        """The record as its repository signed it: ``com.atproto.sync.getRecord``'s CAR (the
        signed commit, the tree path, the record), checked against the account's signing key as
        its DID document publishes it (from the PLC directory, not the PDS), and against the
        wording read. See :func:`amends.evidence.verify.atproto_record`."""
        uri = AtUri.from_str(remote.id)
        did = uri.hostname
        key = self.signing_key(did)
        server = (self.settings.get("server") or "https://bsky.social").rstrip("/")
        params = {"did": did, "collection": uri.collection, "rkey": uri.rkey}
        car = self.seam.request(
            "GET", f"{server}/xrpc/com.atproto.sync.getRecord", params=params
        ).content
        try:
            checked = verify.atproto_record(car, uri=remote.id, did_key=key)
        except verify.ProofError as error:
            raise PlatformError(
                f"bluesky: the post's signed copy does not check: {error}", permanent=True
            ) from None
        text = checked["record"].get("text")
        if remote.text is not None and text != remote.text:
            raise PlatformError(
                "bluesky: the signed copy of the post does not hold the words read", permanent=True
            )
        facts = {"uri": remote.id, "did": did, "key": key}
        facts.update({k: checked[k] for k in ("cid", "commit", "rev")})
        return Proof(data=car, format=CAR, facts=facts)

    def signing_key(self, did: str) -> str:
        """The account's signing key (a did:key) from its DID document: the PLC directory's for
        did:plc, the host's ``/.well-known/did.json`` for did:web."""
        if did.startswith("did:plc:"):
            where = f"{(self.settings.get('plc') or PLC).rstrip('/')}/{did}"
        elif did.startswith("did:web:"):
            where = f"https://{did.removeprefix('did:web:')}/.well-known/did.json"
        else:
            raise PlatformError(f"bluesky: cannot look up the keys of {did}", permanent=True)
        answer = self.seam.request("GET", where)
        try:
            document = DidDocument.from_dict(answer.json())
            key = AtprotoData.from_did_doc(document).signing_key
        except (ValueError, AtProtocolError, KeyError, TypeError) as error:
            raise PlatformError(
                f"bluesky: {where} is not a DID document: {error}", permanent=True
            ) from None
        if document.id != did or not key:
            raise PlatformError(
                f"bluesky: {where} does not publish a signing key for {did}", permanent=True
            )
        return key

    # What the public does about the posts: the event stream (firehose.py).
    gathers = True

    def engagement(self, watched: list[Remote], cursor: str | None) -> Gathered:
        from amends.connectors.bluesky import firehose

        relay = self.settings.get("firehose")
        server = relay or self.settings.get("server") or "https://bsky.social"
        if cursor is None and not relay:
            cursor = "0"  # a server's own stream is small: from its oldest kept event
        return firehose.engagement(server, self.own_did(), watched, cursor)

    # How.

    def _login(self) -> Client:
        """The SDK client, logged in once per connector (no profile: a bare PDS has no AppView)."""
        if self._client is not None:
            return self._client
        server = self.settings.get("server") or "https://bsky.social"
        client = Client(server, request=_SeamRequest(self.seam.client))
        sessions = []
        client.on_session_change(lambda event, session: sessions.append(session))
        with self._errors("com.atproto.server.createSession", f"log in as {self.handle}"):
            client.login(self.handle, self.secrets.get("password", ""), fetch_bsky_profile=False)
        self.did, self._shown_as = sessions[-1].did, sessions[-1].handle
        self._client = client
        return client

    def own_did(self) -> str:
        """The account's DID, logging in first if need be."""
        self._login()
        assert self.did is not None  # set by every successful login
        return self.did

    def _record(self, text: str) -> dict:
        created = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        record: dict[str, object] = {"$type": POST, "text": text, "createdAt": created}
        facets = self._facets(text)
        if facets:
            record["facets"] = facets
        return record

    def _facets(self, text: str) -> list[dict]:
        """The facets Bluesky's app would make of ``text`` (links, hashtags, mentions), each
        mention's handle resolved to its DID through the PDS; a handle that resolves to nobody
        stays plain text, as in the app."""
        found = []
        for facet in richtext.detect(text):
            feature = facet["features"][0]
            if feature["$type"] == richtext.MENTION_TYPE:
                did = self._resolve(feature["did"])
                if did is None:
                    continue
                facet = {**facet, "features": [{**feature, "did": did}]}
            found.append(facet)
        return found

    def _resolve(self, handle: str) -> str | None:
        client = self._login()
        try:
            with self._errors("com.atproto.identity.resolveHandle", f"look up @{handle}"):
                return client.com.atproto.identity.resolve_handle({"handle": handle}).did
        except PlatformError as error:
            if error.status is not None and 400 <= error.status < 500:
                return None  # no such handle
            raise  # the PDS is unwell: tried again later, never sent without the mention

    def _create(self, record: dict, key: str) -> Remote:
        client, rkey = self._login(), rkey_for(key)
        data = {"repo": self.did, "collection": POST, "rkey": rkey, "record": record}
        try:
            with self._errors("com.atproto.repo.createRecord", "publish the post"):
                created = client.com.atproto.repo.create_record(data)
        except PlatformError as error:
            # A retry of a delivery that did reach Bluesky: the PDS refuses a second record at
            # the same key (with a 500 "Internal Server Error"), and the first one is the post.
            if error.permanent:
                raise
            try:
                existing = self._get(self.own_did(), POST, rkey)
            except PlatformError:
                raise error from None
            if existing is None:
                raise
            return existing
        root = record.get("reply", {}).get("root", {"uri": created.uri, "cid": created.cid})
        return self._remote(created.uri, created.cid, root, text=record["text"])

    def _get(self, repo: str, collection: str, rkey: str) -> Remote | None:
        client = self._login()
        params = {"repo": repo, "collection": collection, "rkey": rkey}
        with self._errors("com.atproto.repo.getRecord", "read the post"):
            try:
                found = client.com.atproto.repo.get_record(params)
            except sdk.BadRequestError as error:
                if _error_name(error) == "RecordNotFound":
                    return None
                raise
        value = found.value
        reply = getattr(value, "reply", None)
        root = {"uri": reply.root.uri, "cid": reply.root.cid} if reply else None
        root = root or {"uri": found.uri, "cid": found.cid}
        return self._remote(found.uri, found.cid, root, text=getattr(value, "text", None))

    def _remote(self, uri: str, cid: str, root: dict, *, text: str | None) -> Remote:
        at = AtUri.from_str(uri)
        who = self._shown_as if at.hostname == self.did else at.hostname
        return Remote(
            id=uri,
            url=f"{WEB}/profile/{who}/post/{at.rkey}",
            text=text,
            extra={"cid": cid, "root_uri": root["uri"], "root_cid": root["cid"]},
        )

    @contextmanager
    def _errors(self, method: str, doing: str):
        """Turn whatever the SDK raises into one PlatformError, permanent only where listed."""
        try:
            yield
        except sdk.RequestErrorBase as error:
            if error.response is None:  # no answer: the network, a timeout
                raise _unreachable(doing, error.__cause__ or error) from None
            raise _refused(method, doing, error) from None
        except httpx.HTTPError as error:  # what the SDK lets through unwrapped
            raise _unreachable(doing, error) from None
        except AtProtocolError as error:  # an answer the SDK could not read
            raise PlatformError(
                f"bluesky: cannot {doing}: {error or type(error).__name__}"
            ) from None


def _unreachable(doing: str, error: BaseException) -> PlatformError:
    try:
        where = f"{str(getattr(error, 'request').url).split('?')[0]}: "  # noqa: B009
    except (AttributeError, RuntimeError):  # httpx raises RuntimeError for an unset request
        where = ""
    return PlatformError(f"bluesky: cannot {doing}: {where}{error or type(error).__name__}")


def _refused(method: str, doing: str, error: sdk.RequestErrorBase) -> PlatformError:
    response = error.response
    content, name = response.content, _error_name(error)
    if isinstance(content, XrpcError):
        said = content.message or content.error
    elif isinstance(content, bytes):
        said = content.decode(errors="replace").strip()[:200]
    else:
        said = str(content)[:200]
    return PlatformError(
        f"bluesky: cannot {doing}: {response.status_code} {said}",
        permanent=name in PERMANENT.get(method, ()),
        status=response.status_code,
    )


def _error_name(error: sdk.RequestErrorBase) -> str | None:
    """The XRPC error name (RecordNotFound, InvalidRequest...), when the answer carried one."""
    content = error.response.content if error.response is not None else None
    return content.error if isinstance(content, XrpcError) else None
