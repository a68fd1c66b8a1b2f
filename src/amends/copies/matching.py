"""Recognising a copy: which post, and which of its revisions, some words (re-typed, quoted, or
read from a screenshot) come from.

Every revision gets a fingerprint when it is made (:func:`fingerprint_new_revision`, while its
wording is plain), and revisions made in bulk (an archive import) get theirs soon after
(:func:`index_missing`, after an import and from the worker). A lookup reads the revisions that
share a band key with the words (one indexed query), compares their signatures, and names the
best, for a person to confirm.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max

from amends.copies.models import Band, Fingerprint
from amends.desk.models import Deletion, Revision
from amends.record import api as record
from amends.text.fingerprint import fingerprint, similarity

FLOOR = 0.3  # below this, two wordings share little more than common phrases
SHOWN = 10


def _index(pairs: Iterable[tuple[int, str | None]]) -> int:
    """Fingerprint ``(revision id, wording)`` pairs; how many were stored. A revision whose
    wording cannot be read (sealed, destroyed) or has no letters gets an empty fingerprint: it
    is never a candidate, and never looked at again."""
    prints, bands = [], []
    for revision_id, text in pairs:
        found = fingerprint(text) if text is not None else None
        if found is None:
            prints.append(Fingerprint(revision_id=revision_id, signature=b""))
            continue
        prints.append(Fingerprint(revision_id=revision_id, signature=found.signature))
        bands += [Band(key=key, revision_id=revision_id) for key in set(found.bands)]
    with transaction.atomic():
        Fingerprint.objects.bulk_create(prints, ignore_conflicts=True)
        Band.objects.bulk_create(bands, batch_size=5000)
    return len(prints)


def fingerprint_new_revision(sender, instance: Revision, created: bool, **kwargs) -> None:
    if created and not kwargs.get("raw"):
        texts = record.read_many([instance.seq])
        if instance.seq in texts:
            _index([(instance.pk, texts[instance.seq].decode("utf-8", "replace"))])


def index_missing(batch: int = 2000) -> int:
    """Fingerprint every revision that has none (those made in bulk: an archive import runs
    this once it is committed, and the worker now and then); how many."""
    done = 0
    while True:
        missing = list(
            Revision.objects.filter(fingerprint__isnull=True)
            .order_by("pk")
            .values_list("pk", "seq")[:batch]
        )
        if not missing:
            return done
        texts = record.read_many(seq for _, seq in missing)
        pairs = [
            (pk, texts[seq].decode("utf-8", "replace") if seq in texts else None)
            for pk, seq in missing
        ]
        done += _index(pairs)


@dataclass(frozen=True)
class Match:
    post: int
    revision: int
    score: float
    shows_error: bool  # that revision was later corrected, or the post taken down

    def as_json(self) -> dict:
        return {
            "post": self.post,
            "revision": self.revision,
            "score": round(self.score, 3),
            "shows_error": self.shows_error,
        }


def match(text: str, *, floor: float = FLOOR, shown: int = SHOWN) -> list[Match]:
    """The revisions ``text`` most likely copies, best first; empty when nothing is close."""
    found = fingerprint(text)
    if found is None:
        return []
    candidates = (
        Band.objects.filter(key__in=set(found.bands))
        .values("revision_id")
        .annotate(shared=Count("id"))
        .order_by("-shared")[:200]
    )
    ids = [c["revision_id"] for c in candidates]
    signatures = dict(
        Fingerprint.objects.filter(revision_id__in=ids).values_list("pk", "signature")
    )
    scored = [
        (similarity(found.signature, bytes(signature)), pk)
        for pk, signature in signatures.items()
        if signature
    ]
    best = sorted((s for s in scored if s[0] >= floor), reverse=True)[:shown]
    if not best:
        return []
    revisions = {
        r.pk: r for r in Revision.objects.filter(pk__in=[pk for _, pk in best]).only("post", "n")
    }
    posts = {r.post_id for r in revisions.values()}
    latest = dict(
        Revision.objects.filter(post_id__in=posts)
        .values("post_id")
        .annotate(n=Max("n"))
        .values_list("post_id", "n")
    )
    removed = set(
        Deletion.objects.filter(post_id__in=posts, status=Deletion.Status.DONE).values_list(
            "post_id", flat=True
        )
    )
    return [
        Match(
            post=revisions[pk].post_id,
            revision=revisions[pk].n,
            score=score,
            shows_error=revisions[pk].n < latest[revisions[pk].post_id]
            or revisions[pk].post_id in removed,
        )
        for score, pk in best
    ]
