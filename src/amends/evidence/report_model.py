"""What an evidence pack's report says: one :class:`Report`, drawn by ``report.html`` (see
:mod:`amends.evidence.report`) and ``report.pdf`` (see :mod:`amends.evidence.report_pdf`) alike.
Plain data and the two formatting helpers both renderings share; nothing here reads the
database or the record."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from markupsafe import Markup

from amends.text.apology import Finding
from amends.text.diff import Op


@dataclass(frozen=True)
class Logged:
    """One record entry, as read from its leaf."""

    seq: int
    at: datetime
    kind: str
    label: str
    actor: str | None
    subject: str | None
    data: dict
    why: str | None = None  # the rationale recorded with a decision, an override's reason


@dataclass
class Version:
    """One revision of a post. ``text`` is None when the wording is not in the pack (``state``
    says why); ``changes`` is the word diff against the revision before, when both are known."""

    n: int
    at: datetime
    by: str
    reason: str
    state: str  # plain, sealed (shown: the pack includes it), withheld (sealed, not included),
    #             destroyed
    text: str | None
    changes: list[Op] | None = None
    html: Markup | None = None  # <del>/<ins> with visually hidden labels
    in_words: str = ""  # the correction in plain words


@dataclass
class Published:
    """A post, apology, reply or final statement, with every revision."""

    id: int
    kind: str
    account: str
    status: str
    in_reply_to: int | None
    at: datetime
    by: str
    versions: list[Version]
    # The apology checker's, for apologies; a message is empty where it would quote sealed
    # wording the pack does not include.
    findings: list[Finding] | None = None
    findings_recorded: bool = False  # read from the apology.published entry, as the author saw
    anyway: bool = False  # published despite the checker or the tone guard
    # Where the post came from, when not from Amends: adopted, pasted, imported; in words.
    origin: str = ""


@dataclass
class Removal:
    id: int
    post: int
    ground: str
    ground_in_words: str
    explanation: str
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str
    rationale: str = ""
    urgent: bool = False
    review_due: datetime | None = None
    review: str = ""
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None
    review_rationale: str = ""

    @property
    def heading(self) -> str:
        state = "removed at once" if self.urgent else self.status
        return f"Deletion {self.id} of post {self.post}: {state}"

    def rows(self) -> list[tuple[str, str]]:
        """What the report says of it, line by line (the HTML and the PDF alike)."""
        rows = [
            ("Ground", f"Because {self.ground_in_words} ({self.ground})"),
            ("Public explanation", self.explanation),
        ]
        if self.urgent:
            rows.append(("Removed at once by", f"{self.requested_by}, {when(self.requested_at)}"))
            rows.append(("Their rationale", self.rationale or "none given"))
            if self.review:
                rows.append(
                    (
                        "Reviewed by",
                        f"{self.reviewed_by}, {when(self.reviewed_at)}: {self.review}",
                    )
                )
                rows.append(("Review rationale", self.review_rationale))
            else:
                rows.append(("Review", f"not yet reviewed; due {when(self.review_due)}"))
            return rows
        rows.append(("Requested by", f"{self.requested_by}, {when(self.requested_at)}"))
        if self.rationale:
            rows.append(("Their rationale", self.rationale))
        verbs = {"done": "Approved by", "rejected": "Rejected by", "withdrawn": "Withdrawn by"}
        if self.decided_by:
            rows.append(
                (
                    verbs.get(self.status, "Decided by"),
                    f"{self.decided_by}, {when(self.decided_at)}",
                )
            )
            rows.append(("Reason given", self.decision_reason or "none given"))
        else:
            rows.append(("Decision", "awaiting a second person"))
        return rows


@dataclass
class HeldBy:
    subject: str
    reference: str
    placed_by: str | None
    placed_at: datetime | None
    released_by: str | None
    released_at: datetime | None


@dataclass
class Episode:
    """One incident the pack covers: where its five steps stand and how fast it was answered."""

    id: int
    post: int
    severity: str
    used: int  # responses counted against the budget
    steps: list[tuple[str, str]]  # (step, status)
    time_to_apology: int | None  # seconds from publishing the post
    time_to_correction: int | None


@dataclass
class Report:
    title: str
    reference: str
    purpose: str
    produced_at: datetime
    checkpoint_size: int
    include_sealed: bool
    subject: list[tuple[str, str]]  # (what, value) about the post, incident or account
    times: list[tuple[str, int | None, int | None]]  # (what, to apology, to correction) seconds
    episodes: list[Episode]  # the incidents covered; none for a post's pack
    posts: list[Published] = field(default_factory=list)
    apologies: list[Published] = field(default_factory=list)
    responses: list[Published] = field(default_factory=list)  # replies and final statements
    deletions: list[Removal] = field(default_factory=list)
    holds: list[HeldBy] = field(default_factory=list)
    custody: list[Logged] = field(default_factory=list)
    timeline: list[Logged] = field(default_factory=list)
    later: int = 0  # entries about the subjects after the checkpoint, not listed

    @property
    def has_corrections(self) -> bool:
        every = self.posts + self.apologies + self.responses
        return any(v.changes for p in every for v in p.versions)


def when(moment: datetime | None) -> str:
    if moment is None:
        return "\u2014"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def duration(seconds: int | None) -> str:
    """Seconds in words: "1 hour 15 minutes", "40 seconds"; "not yet" for None."""
    if seconds is None:
        return "not yet"
    if seconds < 0:
        return "before publishing"
    units = [("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)]
    parts = []
    for name, size in units:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {name}{'' if count == 1 else 's'}")
    return " ".join(parts[:2]) or "0 seconds"
