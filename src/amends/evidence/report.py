"""The human report inside an evidence pack: ``report.html`` and ``report.pdf``.

Both are drawn from one :class:`~amends.evidence.report_model.Report`, gathered here from what
the export read. Reading appends nothing to the record: the export records the access and the
export itself. Sealed wording appears only when the pack includes it (``Subjects.include_sealed``);
otherwise the report says "sealed" where the words would be.
"""

from collections import defaultdict
from datetime import datetime
from itertools import pairwise

from django.utils import timezone
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from amends.desk import incidents as rules
from amends.desk import policy
from amends.desk.lookups import get
from amends.desk.models import Account, Deletion, Incident, Post, Revision
from amends.evidence.report_model import (
    Episode,
    HeldBy,
    Logged,
    Published,
    Removal,
    Report,
    Version,
    duration,
    when,
)
from amends.evidence.report_pdf import pdf
from amends.evidence.subjects import Subjects
from amends.record import api as record
from amends.record.models import Hold
from amends.text.apology import Finding, check_apology
from amends.text.diff import word_diff
from amends.text.render import correction_html, plain_correction

STEP_NAMES = {
    "apologise": "Apologise",
    "amend": "Make amends: correct the post visibly",
    "explain": "Be clear why it was deleted",
    "laugh": "Laugh at yourself (minor slips only)",
    "move_on": "Move on",
}
CHUNK = 500  # ids per query: SQLite limits the parameters of one statement
CUSTODY_KINDS = ("content.sealed", "content.accessed", "retention.destroyed", "export.created")


def _leaf(seq: int, leaf: bytes) -> Logged:
    read = record.Leaf.parse(leaf)
    return Logged(
        seq=seq,
        at=read.at,
        kind=read.kind,
        label=read.label,
        actor=read.actor,
        subject=read.subject,
        data=read.data,
        why=read.why,
    )


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _wordings(
    revisions: list[Revision], contents: dict[int, tuple[str, bytes | None]]
) -> dict[int, tuple[str, str | None]]:
    """Each revision's content state and wording (None where the pack does not include it),
    as the export read them: plain, sealed (opened, and the access recorded), withheld or
    destroyed."""
    found = {}
    for r in revisions:
        state, body = contents.get(r.seq, ("destroyed", None))
        found[r.seq] = (state, None if body is None else body.decode("utf-8"))
    return found


def _versions(revisions: list[Revision], wordings) -> list[Version]:
    """A post's revisions, each later one with its diff against the one before."""
    versions = [
        Version(
            n=r.n,
            at=r.created_at,
            by=r.created_by.username,
            reason=r.reason,
            state=wordings[r.seq][0],
            text=wordings[r.seq][1],
        )
        for r in revisions
    ]
    for before, after in pairwise(versions):
        if before.text is not None and after.text is not None:
            after.changes = word_diff(before.text, after.text)
            after.html = Markup(correction_html(before.text, after.text))  # noqa: S704
            after.in_words = plain_correction(
                before.text,
                after.text,
                at=after.at,
                zone=timezone.get_default_timezone(),
                reason=after.reason,
            )
    return versions


def _findings(post: Published, recorded: Logged | None) -> None:
    """The apology checker's findings: as recorded when it was published, else checked now."""
    readable = post.versions[0].text is not None
    if recorded is not None and "findings" in recorded.data:
        found = recorded.data["findings"]
        post.findings_recorded, post.anyway = True, bool(recorded.data.get("anyway"))
    elif readable:
        found = [f.as_json() for f in check_apology(post.versions[0].text)]
    else:
        found = []
    # A finding's message may quote the apology: the record keeps only its severity and code
    # (older entries kept the message too), and the words are said again from the wording when
    # the pack holds it. Withheld wording stays withheld.
    said = {f.code: f.message for f in check_apology(post.versions[0].text)} if readable else {}
    post.findings = [
        Finding(
            f["severity"],
            f["code"],
            (f.get("message") or said.get(f["code"], "")) if readable else "",
        )
        for f in found
    ]


def _published(
    subjects: Subjects, entries: dict[int, Logged], contents: dict[int, tuple[str, bytes | None]]
) -> list[Published]:
    """Every post of the pack with its revisions. A post's status is derived as
    :attr:`Post.status` derives it, for all posts at once rather than two queries each."""
    posts, revisions, removed = [], defaultdict(list), set()
    for chunk in _chunks(subjects.posts):
        posts += Post.objects.filter(pk__in=chunk).select_related("account")
        rows = Revision.objects.filter(post_id__in=chunk).select_related("created_by")
        for r in rows.order_by("post_id", "n"):
            revisions[r.post_id].append(r)
        done = Deletion.objects.filter(post_id__in=chunk, status=Deletion.Status.DONE)
        removed.update(done.values_list("post_id", flat=True))
    wordings = _wordings([r for rs in revisions.values() for r in rs], contents)
    apologies = {e.subject: e for e in entries.values() if e.kind == "apology.published"}
    origins: dict[str | None, list[Logged]] = defaultdict(list)
    for e in entries.values():
        if e.kind in ORIGINS:
            origins[e.subject].append(e)
    out = []
    for post in sorted(posts, key=lambda p: p.pk):
        versions = _versions(revisions[post.pk], wordings)
        status = "corrected" if len(versions) > 1 else "live"
        found = Published(
            id=post.pk,
            kind=post.kind,
            account=str(post.account),
            status="deleted" if post.pk in removed else status,
            in_reply_to=post.in_reply_to_id,
            at=versions[0].at,
            by=versions[0].by,
            versions=versions,
        )
        if post.kind == Post.Kind.APOLOGY:
            _findings(found, apologies.get(post.subject))
        found.origin = _origin(post, origins.get(post.subject, []))
        out.append(found)
    return out


ORIGINS = ("post.adopted", "post.signed", "post.imported")


def _origin(post: Post, logged: list[Logged]) -> str:
    """Where a post made outside Amends came from, and what that proves, in words; empty for a
    post Amends published."""
    platform = post.account.get_platform_display()
    kinds = {e.kind: e for e in sorted(logged, key=lambda e: e.seq)}
    if "post.adopted" in kinds:
        adopted = kinds["post.adopted"]
        if adopted.data.get("captured") == "pasted":
            return (
                f"Made outside Amends: its words were pasted by {adopted.actor} at "
                f"{when(adopted.at)}. Amends cannot read {platform}, so it could not check them."
            )
        said = (
            f"Made outside Amends: captured from {platform} at {when(adopted.at)} (record entry "
            f"{adopted.seq}); what it said before then is not known to Amends."
        )
        signed = kinds.get("post.signed")
        if signed is not None:
            return (
                f"{said} {platform} signs its posts: its signed copy (record entry {signed.seq}) "
                f"was checked against the account's key {signed.data.get('key')}, and verify.py "
                "checks it again."
            )
        return f"{said} {platform} does not sign posts: the capture rests on this record alone."
    if "post.imported" in kinds:
        imported = kinds["post.imported"]
        return (
            f"Imported from {platform}'s own archive of the account (SHA-256 "
            f"{imported.data.get('archive')}) at {when(imported.at)}; its wording is as the "
            "archive gives it."
        )
    return ""


def _removals(posts: list[int]) -> list[Removal]:
    rows = []
    for chunk in _chunks(posts):
        found = Deletion.objects.filter(post_id__in=chunk)
        rows += found.select_related("requested_by", "decided_by", "reviewed_by")
    return [
        Removal(
            id=d.pk,
            post=d.post_id,
            ground=d.ground,
            ground_in_words=policy.ground_in_words(d.ground),
            explanation=d.explanation,
            status=d.status,
            requested_by=d.requested_by.username,
            requested_at=d.requested_at,
            decided_by=d.decided_by.username if d.decided_by else None,
            decided_at=d.decided_at,
            decision_reason=d.decision_reason,
            rationale=d.rationale,
            urgent=d.urgent,
            review_due=d.review_due,
            review=d.review,
            reviewed_by=d.reviewed_by.username if d.reviewed_by else None,
            reviewed_at=d.reviewed_at,
            review_rationale=d.review_rationale,
        )
        for d in sorted(rows, key=lambda d: (d.requested_at, d.pk))
    ]


def _holds(subjects: Subjects, entries: dict[int, Logged]) -> list[HeldBy]:
    def at(seq: int | None) -> datetime | None:
        return entries[seq].at if seq in entries else None

    rows = []
    for chunk in _chunks(subjects.record_subjects):
        rows += Hold.objects.filter(subject__in=chunk)
    rows.sort(key=lambda h: h.placed_seq)
    return [
        HeldBy(
            subject=h.subject,
            reference=h.reference,
            placed_by=h.placed_by,
            placed_at=at(h.placed_seq),
            released_by=h.released_by,
            released_at=at(h.released_seq),
        )
        for h in rows
    ]


def _since(start: datetime, moment: datetime | None) -> int | None:
    return None if moment is None else round((moment - start).total_seconds())


def _episodes(subjects: Subjects) -> tuple[list[Incident], list[Episode]]:
    incidents, found = [], {}
    for chunk in _chunks(subjects.incidents):
        rows = Incident.objects.filter(pk__in=chunk).order_by("pk")
        rows = list(rows.select_related("post", "opened_by", "closed_by"))
        found.update(rules.progress(rows))
        incidents += rows
    episodes = [
        Episode(
            id=i.pk,
            post=i.post_id,
            severity=i.severity,
            used=found[i.pk].used,
            steps=[(STEP_NAMES.get(s.step, s.step), s.status) for s in found[i.pk].steps],
            time_to_apology=_since(i.post.created_at, found[i.pk].first_apology),
            time_to_correction=_since(i.post.created_at, found[i.pk].first_correction),
        )
        for i in incidents
    ]
    return incidents, episodes


def _incident(incident: Incident, episode: Episode) -> list[tuple[str, str]]:
    closed = "not yet"
    if incident.closed_at is not None:
        closed = f"{when(incident.closed_at)} by {incident.closed_by.username}"
    return [
        ("Incident", str(incident.pk)),
        ("Severity", incident.severity),
        ("Summary", incident.summary),
        ("Status", "open" if incident.is_open else "closed"),
        ("Opened", f"{when(incident.opened_at)} by {incident.opened_by.username}"),
        ("Closed", closed),
        ("Responses used", f"{episode.used} of {incident.budget}"),
        ("About post", f"{incident.post_id} on {incident.post.account}"),
    ]


def _post(post: Published, posts: dict[int, Published]):
    opened = Incident.objects.filter(post_id=post.id).order_by("opened_at", "pk")
    about = [
        ("Post", str(post.id)),
        ("Kind", post.kind),
        ("Account", post.account),
        ("Status", post.status),
        ("Published", f"{when(post.at)} by {post.by}"),
        ("Incidents", ", ".join(f"{i.pk} ({i.severity})" for i in opened) or "none"),
    ]
    apologies = [p.at for p in posts.values() if p.kind == "apology" and p.in_reply_to == post.id]
    corrected = [v.at for v in post.versions[1:]]
    times = (
        f"Post {post.id}",
        _since(post.at, min(apologies, default=None)),
        _since(post.at, min(corrected, default=None)),
    )
    return about, [times]


def _account(subjects: Subjects, incidents: list[Incident]) -> list[tuple[str, str]]:
    account = get(Account, subjects.id, "account")
    still = sum(1 for i in incidents if i.is_open)
    return [
        ("Account", str(account)),
        ("Name", account.name or "\u2014"),
        ("Posts", str(len(subjects.posts))),
        ("Incidents", f"{len(incidents)} ({still} open)"),
    ]


def _subject(subjects: Subjects, posts: dict[int, Published]):
    """What the pack is about, the incidents it covers, and how fast each was answered."""
    incidents, episodes = _episodes(subjects)
    times = [
        (f"Incident {e.id} (post {e.post})", e.time_to_apology, e.time_to_correction)
        for e in episodes
    ]
    if subjects.kind == "incident":
        about = _incident(incidents[0], episodes[0])
    elif subjects.kind == "account":
        about = _account(subjects, incidents)
    else:
        about, times = _post(posts[subjects.id], posts)
    return about, episodes, times


def gather(
    subjects: Subjects,
    *,
    produced_at: datetime,
    checkpoint_size: int,
    entries: dict[int, bytes],
    contents: dict[int, tuple[str, bytes | None]],
) -> Report:
    """Everything the report shows: the record entries and the wording the export gathered
    (``entries``: leaf bytes by seq; ``contents``: state and exact bytes by seq), and the desk's
    own rows about the posts. Opens nothing sealed and appends nothing."""
    entries = {seq: _leaf(seq, leaf) for seq, leaf in sorted(entries.items())}
    published = _published(subjects, entries, contents)
    by_id = {p.id: p for p in published}
    about, episodes, times = _subject(subjects, by_id)
    anchored = [e for e in entries.values() if e.seq < checkpoint_size]
    return Report(
        title=f"Account {subjects.account}"
        if subjects.kind == "account"
        else f"{subjects.kind.capitalize()} {subjects.id}",
        reference=subjects.reference,
        purpose=subjects.purpose,
        produced_at=produced_at,
        checkpoint_size=checkpoint_size,
        include_sealed=subjects.include_sealed,
        subject=about,
        times=times,
        episodes=episodes,
        posts=[p for p in published if p.kind == Post.Kind.POST],
        apologies=[p for p in published if p.kind == Post.Kind.APOLOGY],
        responses=[p for p in published if p.kind in (Post.Kind.REPLY, Post.Kind.STATEMENT)],
        deletions=_removals(list(subjects.posts)),
        holds=_holds(subjects, entries),
        custody=[e for e in anchored if e.kind in CUSTODY_KINDS],
        timeline=anchored,
        later=len(entries) - len(anchored),
    )


TEMPLATES = Environment(
    loader=PackageLoader("amends.evidence", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
TEMPLATES.filters.update(when=when, duration=duration)


def html(report: Report) -> str:
    return TEMPLATES.get_template("report.html").render(report=report)


def render(
    subjects: Subjects,
    *,
    produced_at: datetime,
    checkpoint_size: int,
    entries: dict[int, bytes],
    contents: dict[int, tuple[str, bytes | None]],
) -> tuple[str, bytes]:
    """The report about ``subjects`` as HTML text and PDF bytes, drawn from what the export
    gathered (see :func:`gather`).

    ``produced_at``: when the pack was made (shown, and the PDF's creation date, so the same
    pack renders to the same bytes). ``checkpoint_size``: the size of the signed checkpoint the
    pack is anchored to; the timeline lists the entries it covers. The reference and purpose
    shown are the pack's (``subjects.reference``, ``subjects.purpose``).
    """
    report = gather(
        subjects,
        produced_at=produced_at,
        checkpoint_size=checkpoint_size,
        entries=entries,
        contents=contents,
    )
    return html(report), pdf(report)
