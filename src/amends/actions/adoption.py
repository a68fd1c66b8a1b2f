"""Adopting a post made outside Amends — in a platform's own app, or a scheduling suite — from
its link, so that the five steps reach it like any other."""

import hashlib
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext

from amends.actions.base import Action
from amends.clock import now
from amends.connectors import CONNECTORS, PlatformError, capture, connector_for, links
from amends.connectors.base import Proof
from amends.delivery.models import Copy
from amends.desk.models import Account, Post, Revision
from amends.desk.roles import WRITERS
from amends.errors import BadInput, NotFound, Refused
from amends.record import api as record


class AdoptPost(Action):
    """Recognise the link, find the force's connected account it belongs to, fetch the exact
    current wording through the connector (before the transaction), and record it as
    ``post.adopted``. Adopting the same post again returns it, recording a re-capture if the
    wording changed since."""

    roles = WRITERS
    verb = "adopt posts"

    def __init__(self, actor, *, url: str, wording: str = ""):
        super().__init__(actor)
        self.url, self.wording = url, wording or ""
        self.found: tuple[Account, object] | None = None
        self.own: int | None = None
        self.again = False
        self.pasted = False  # the words came from the person, the platform cannot be read
        self.capture: capture.Capture | None = None
        self.proof: Proof | None = None

    def validate(self):
        if links.split(self.url) is None:
            raise BadInput(
                "url: give the whole link to the post, starting https:// (or at:// for "
                "Bluesky), as the platform's Share or Copy link gives it",
                field="url",
                said=gettext(
                    "Paste the whole link to the post, starting https://, as the platform's "
                    "Share or Copy link button gives it"
                ),
            )
        self.url = self.url.strip()

    def before(self):
        # Who may adopt is settled before any platform is asked.
        Action.authorize(self)
        self.own = links.house(self.url, settings.SITE_URL)
        if self.own is not None:
            return
        platform = links.platform_of(self.url)
        accounts = Account.objects.exclude(platform="house").order_by("pk")
        if platform is not None:
            accounts = accounts.filter(platform=platform)
            connector = CONNECTORS.get(platform)
            if connector is None or not connector.adopts:
                label = connector.label if connector else platform.capitalize()
                raise Refused(
                    f"url: Amends cannot read posts from {label} yet; open an incident on a "
                    "post it published, or record the manual steps",
                    field="url",
                    said=gettext(
                        "Amends cannot read posts from %(platform)s yet. Open an incident on a "
                        "post Amends published, or record the steps you take by hand."
                    )
                    % {"platform": label},
                )
        for account in accounts:
            if not CONNECTORS[account.platform].adopts:
                continue
            connector = connector_for(account)
            try:
                with capture.capturing(connector.seam) as exchanges:
                    remote = connector.locate(self.url)
                    if remote is None:
                        continue
                    if not connector.reads:  # Nextdoor: the person gives the words
                        self.found = (account, self._pasted(remote, account))
                        return
                    # A connector that had to read the post to place it hands it back whole.
                    fetched = remote if remote.text is not None else connector.fetch(remote)
                    # Where the platform signs its posts (Bluesky), the signed copy, checked.
                    self.proof = connector.prove(fetched) if fetched is not None else None
            except PlatformError as error:
                raise Refused(
                    f"url: {account} could not be asked: {error}",
                    field="url",
                    said=gettext(
                        "%(account)s could not be asked about the post just now. Try again in a "
                        "few minutes; if it keeps failing, ask an admin to check the account."
                    )
                    % {"account": account},
                ) from None
            # What the platform answered, exactly, kept with the wording it gave.
            self.capture = capture.warc(
                exchanges, why=f"{self.url} adopted from {account} by {self.actor_name}"
            )
            if fetched is None:
                raise NotFound(
                    f"url: {account} has no such post now (deleted, or not published yet)",
                    field="url",
                    said=gettext(
                        "%(account)s has no such post now: it may have been deleted already, "
                        "or not be published yet. Check the link."
                    )
                    % {"account": account},
                )
            self.found = (account, fetched)
            return
        where = f" on {CONNECTORS[platform].label}" if platform in CONNECTORS else ""
        raise Refused(
            f"url: this is not a post of any account connected{where}; a copy of someone "
            "else's post is not adopted (connect the account first: amends account add)",
            field="url",
            said=gettext(
                "This is not a post of any account connected to Amends. If it is the force's "
                "own account, ask an admin to connect it first; someone else's copy of a post "
                "goes in the post's copy register instead."
            ),
        )

    def _keep_capture(self, post: Post) -> None:
        """The platform's exact answers, as WARC, in the record beside the wording: its own
        entry, whose content is sealed with the post's wording if the post is taken down."""
        if self.capture is None or not self.capture.exchanges:
            return
        record.append(
            "post.captured",
            {
                "post": post.pk,
                "format": "application/warc",
                "exchanges": self.capture.exchanges,
                "sha256": self.capture.sha256,
            },
            actor=self.actor_name,
            subject=post.subject,
            content=self.capture.warc,
        )

    def _keep_proof(self, post: Post, wording: int) -> None:
        """The platform's signed copy of the post, in the record beside the wording it proves
        (entry ``wording``): anyone can check it against the signer's published key, without
        trusting the force. Sealed with the post's wording if the post is taken down."""
        if self.proof is None:
            return
        record.append(
            "post.signed",
            {
                "post": post.pk,
                "format": self.proof.format,
                "wording": wording,
                "sha256": hashlib.sha256(self.proof.data).hexdigest(),
                **self.proof.facts,
            },
            actor=self.actor_name,
            subject=post.subject,
            content=self.proof.data,
        )

    def _pasted(self, remote, account):
        from amends.connectors import Remote

        text = self.wording.strip()
        if not text:
            raise BadInput(
                f"wording: Amends cannot read posts on {CONNECTORS[account.platform].label}; "
                "paste the post's words as they stand",
                field="wording",
                said=gettext(
                    "Amends cannot read posts on %(platform)s: paste the post's words as they stand"
                )
                % {"platform": CONNECTORS[account.platform].label},
            )
        if len(text) > 20_000:
            raise BadInput(
                "wording: must be at most 20,000 characters",
                field="wording",
                said=gettext("The post's words must be 20,000 characters or fewer"),
            )
        self.pasted = True
        return Remote(id=remote.id, url=remote.url, text=text)

    def apply(self) -> Post:
        if self.own is not None:
            post = Post.objects.filter(pk=self.own).first()
            if post is None:
                raise NotFound(
                    f"url: there is no post {self.own} on this site",
                    field="url",
                    said=gettext("There is no post %(n)s on the force's site. Check the link.")
                    % {"n": self.own},
                )
            self.again = True
            return post
        assert self.found is not None
        account, remote = self.found
        text, at = remote.text or "", now()
        copy = Copy.objects.filter(post__account=account, remote_id=remote.id).first()
        connector = connector_for(account)
        if copy is not None:
            self.again = True
            post = copy.post
            if not copy.shows(connector.comparable(text)):
                again = record.append(
                    "post.recaptured",
                    {"post": post.pk, "account": str(account), "remote": remote.id},
                    actor=self.actor_name,
                    subject=post.subject,
                    content=text,
                )
                self._keep_capture(post)
                self._keep_proof(post, again.seq)
            return post
        post = Post.objects.create(
            account=account,
            kind=Post.Kind.POST,
            created_by=self.actor,
            created_at=at,
            captured_at=at,
            wording=text,
        )
        entry = record.append(
            "post.adopted",
            {
                "post": post.pk,
                "account": str(account),
                "url": self.url,
                "remote": remote.id,
                "remote_url": remote.url,
                "platform": account.platform,
                # Where the wording came from: the platform, or pasted by the person adopting.
                "captured": "pasted" if self.pasted else "fetched",
                # The ids of the versions the platform kept (X), oldest first, where it gives them.
                **(
                    {"edit_history": list(remote.extra["edit_history_tweet_ids"])}
                    if "edit_history_tweet_ids" in remote.extra
                    else {}
                ),
            },
            actor=self.actor_name,
            subject=post.subject,
            content=text,
        )
        Revision.objects.create(post=post, n=1, seq=entry.seq, created_by=self.actor, created_at=at)
        self._keep_capture(post)
        self._keep_proof(post, entry.seq)
        history = remote.extra.get("edit_history_tweet_ids") or []
        copy = Copy(
            post=post,
            remote_id=remote.id,
            url=remote.url,
            extra=remote.extra,
            # When the platform says it was made (X's edit window counts from then), else now.
            published_at=_moment(remote.extra.get("created_at")) or at,
            active_at=at,
            edits=max(0, len(history) - 1),  # edited on the platform before it was adopted
        )
        copy.expect(connector.comparable(text))
        copy.save()
        return post


def _moment(value) -> datetime | None:
    """An RFC 3339 time a platform gave (``2026-05-04T14:02:09.000Z``), or None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None
