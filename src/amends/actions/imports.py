"""Importing an account's history from its platform's own archive (X, Mastodon, Bluesky,
WordPress, Facebook): every post it holds becomes a post Amends knows, so that a mistake made
months ago in the platform's app can be found, matched and acted on.

The archive's SHA-256 is recorded first (``archive.imported``), then each post as
``post.imported`` (one entry per version where the platform kept its edits), pointing at it.
The whole import is one transaction: an archive that turns out to be bad half-way writes
nothing. It never overwrites what Amends published or adopted: a post it already knows, shown
with other words in the archive, gets a ``post.discrepancy`` entry holding the archive's words.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from amends.actions.base import Action
from amends.clock import now
from amends.connectors import PlatformError, connector_for
from amends.connectors.archives import ArchiveError, Item, Skipped, sha256_of
from amends.delivery.models import Copy
from amends.desk.lookups import account_by_key
from amends.desk.models import Account, Archive, ImportedPost, Post, Revision
from amends.errors import BadInput, Refused
from amends.record import api as record

FORMATS = ("x", "mastodon", "bluesky", "wordpress", "facebook")
BATCH = 1000


@dataclass
class Imported:
    archive: str  # the file's SHA-256
    posts: int = 0  # brought in now
    already: int = 0  # known before (imported, published or adopted)
    refused: int = 0  # entries that are not the account's own posts, or are unreadable
    discrepancies: int = 0  # known posts the archive shows with other words
    again: bool = False  # this very archive was imported before: nothing added

    def as_dict(self) -> dict:
        return {
            "archive": self.archive,
            "posts": self.posts,
            "already": self.already,
            "refused": self.refused,
            "discrepancies": self.discrepancies,
        }


class ImportArchive(Action):
    roles = ("supervisor", "admin")
    verb = "import archives"

    def __init__(
        self,
        actor,
        *,
        platform: str,
        path: str | Path,
        account: str,
        progress: Callable[[int], None] | None = None,
    ):
        super().__init__(actor)
        self.platform, self.path, self.key = platform, Path(path), account
        self.progress = progress
        self.account: Account | None = None
        self.sha256 = ""
        self.signing_key: Callable[[str], str] | None = None
        self.comparable: Callable[[str], str] = str

    def validate(self):
        if self.platform not in FORMATS:
            raise BadInput(
                f"platform: must be one of {', '.join(FORMATS)}, not {self.platform!r}",
                field="platform",
            )
        if not self.path.is_file():
            raise BadInput(f"file: there is no file {self.path}", field="file")

    def before(self):
        Action.authorize(self)
        self.account = account_by_key(self.key)
        if self.account.platform != self.platform:
            raise BadInput(
                f"account: {self.account} is on {self.account.platform}; an archive from "
                f"{self.platform} imports into an account on {self.platform}",
                field="account",
            )
        self.sha256 = sha256_of(self.path)
        connector = connector_for(self.account)
        self.comparable = connector.comparable
        if self.platform == "bluesky":
            self.signing_key = self._keys(connector)

    def _keys(self, connector) -> Callable[[str], str]:
        """The account's key as its DID document publishes it, for the CAR's DID; a CAR of
        another account is refused."""

        def signing_key(did: str) -> str:
            try:
                own = connector.own_did()
                if did != own:
                    raise ArchiveError(f"the repository is {did}'s, not {self.account}'s ({own})")
                return connector.signing_key(did)
            except PlatformError as error:
                raise ArchiveError(f"the account's key could not be looked up: {error}") from None

        return signing_key

    def apply(self) -> Imported:
        assert self.account is not None
        done = Imported(self.sha256)
        known = Archive.objects.filter(sha256=self.sha256).first()
        if known is not None and known.account_id != self.account.pk:
            raise Refused(
                f"file: this archive was imported into {known.account} already; it is not "
                f"{self.account}'s",
                field="file",
            )
        if known is not None:
            done.again, done.already = True, known.posts
            return done
        reader = importlib.import_module(f"amends.connectors.{self.platform}.archive")
        entry = record.append(
            "archive.imported",
            {
                "sha256": self.sha256,
                "platform": self.platform,
                "account": str(self.account),
                "file": self.path.name,
                "bytes": self.path.stat().st_size,
            },
            actor=self.actor_name,
            subject=f"account:{self.account}",
        )
        archive = Archive.objects.create(
            sha256=self.sha256,
            account=self.account,
            seq=entry.seq,
            name=self.path.name[:255],
            imported_by=self.actor,
            imported_at=now(),
        )
        batch: list[Item] = []
        try:
            for found in reader.read(self.path, signing_key=self.signing_key):
                if isinstance(found, Skipped):
                    done.refused += 1
                    continue
                batch.append(found)
                if len(batch) >= BATCH:
                    self._flush(archive, batch, done)
                    batch = []
            self._flush(archive, batch, done)
        except ArchiveError as error:
            raise Refused(f"file: {error}; nothing was imported", field="file") from None
        archive.posts = done.posts
        archive.save(update_fields=["posts"])
        return done

    def after(self, result: Imported) -> Imported:
        # The imported revisions were made in bulk: their fingerprints now, so that copies of
        # them are recognised (amends.copies).
        from amends.copies.matching import index_missing

        index_missing()
        return result

    def _flush(self, archive: Archive, items: list[Item], done: Imported) -> None:
        """One batch: known posts counted (and their differences recorded), new ones made, each
        with its record entries, revisions, copy and where it came from."""
        assert self.account is not None
        if not items:
            return
        account, comparable = self.account, self.comparable
        idents = {item.ident for item in items}
        imported = set(
            ImportedPost.objects.filter(account=account, ident__in=idents).values_list(
                "ident", flat=True
            )
        )
        ids = [item.id for item in items if item.id is not None]
        copies = {
            c.remote_id: c for c in Copy.objects.filter(post__account=account, remote_id__in=ids)
        }
        fresh, seen = [], set()
        for item in items:
            if item.ident in seen:
                done.already += 1
            elif item.id in copies:
                done.already += 1
                copy = copies[item.id]
                if not copy.shows(comparable(item.text)):
                    done.discrepancies += 1
                    record.append(
                        "post.discrepancy",
                        {"post": copy.post_id, "archive": archive.sha256, "path": item.path},
                        actor=self.actor_name,
                        subject=f"post:{copy.post_id}",
                        content=item.text,
                    )
            elif item.ident in imported:
                done.already += 1
            else:
                fresh.append(item)
            seen.add(item.ident)
        if not fresh:
            return
        at = now()
        posts = Post.objects.bulk_create(
            [
                Post(
                    account=account,
                    kind=Post.Kind.POST,
                    created_by=self.actor,
                    created_at=item.created_at or at,
                    wording=item.text,
                )
                for item in fresh
            ]
        )
        events, owners = [], []
        for post, item in zip(posts, fresh, strict=True):
            for n, text in enumerate(item.versions, start=1):
                data = {
                    "post": post.pk,
                    "account": str(account),
                    "archive": archive.sha256,
                    "path": item.path,
                    "remote": item.id,
                    "remote_url": item.url,
                    "created": item.created_at.isoformat() if item.created_at else None,
                }
                if len(item.versions) > 1:
                    data.update(version=n, versions=len(item.versions))
                    if item.version_ids:
                        data["version_id"] = item.version_ids[n - 1]
                if item.deleted_at and n == len(item.versions):
                    data["deleted"] = item.deleted_at.isoformat()
                events.append(
                    record.event(
                        "post.imported",
                        data,
                        actor=self.actor_name,
                        subject=post.subject,
                        content=text,
                    )
                )
                owners.append((post, n, item))
        appended = record.append_events(events)
        Revision.objects.bulk_create(
            [
                Revision(
                    post=post,
                    n=n,
                    seq=entry.seq,
                    created_by=self.actor,
                    created_at=item.created_at or at,
                )
                for (post, n, item), entry in zip(owners, appended, strict=True)
            ]
        )
        new_copies = []
        for post, item in zip(posts, fresh, strict=True):
            if item.id is None:
                continue  # Facebook's download names no post: history only
            made = item.created_at or at
            copy = Copy(
                post=post,
                remote_id=item.id,
                url=item.url,
                published_at=made,
                active_at=made,
                edits=len(item.versions) - 1,
                gone_at=item.deleted_at,
            )
            copy.expect(comparable(item.text))
            new_copies.append(copy)
        Copy.objects.bulk_create(new_copies)
        ImportedPost.objects.bulk_create(
            [
                ImportedPost(
                    post=post, account=account, archive=archive, ident=item.ident, path=item.path
                )
                for post, item in zip(posts, fresh, strict=True)
            ]
        )
        done.posts += len(fresh)
        if self.progress is not None:
            self.progress(done.posts + done.already + done.refused)
