"""The API's shapes for incidents and deletions: the decisions, each with its rationale."""

from ninja import Schema
from pydantic import Field

from amends.api.schemas import Body, Finding, Text, rules

# --- deletions -----------------------------------------------------------------------------


RATIONALE = "Why you decided this, for the record and the evidence report (never published)."


class DeletionIn(Body):
    ground: Text = Field(
        description="A ground from policy (AMENDS_DELETION_GROUNDS): illegal, offensive, "
        "prejudicial, personal_data, identified_person by default."
    )
    explain: Text = Field(
        description="The public explanation (never the content).",
        json_schema_extra=rules(length=2000),
    )
    rationale: Text = Field(description=RATIONALE, json_schema_extra=rules(length=2000))
    everywhere: bool = Field(
        default=False,
        description="Cover every channel of the post's incident in this one decision (the same "
        "message on the force's other accounts and platforms).",
    )


class DecisionIn(Body):
    rationale: Text = Field(description=RATIONALE, json_schema_extra=rules(length=2000))


class ReviewIn(Body):
    verdict: Text = Field(
        description="confirm: the removal was right; disagree: it should not have been.",
        json_schema_extra=rules(choices=["confirm", "disagree"]),
    )
    rationale: Text = Field(description=RATIONALE, json_schema_extra=rules(length=2000))


class PauseIn(Body):
    reason: Text = Field(
        description="Why all sending stops (shown to everyone on the desk).",
        json_schema_extra=rules(length=2000),
    )


class DeletionOut(Schema):
    deletion: int
    status: str
    review_due: str | None = Field(
        default=None, description="An urgent removal: when its review is due (ISO 8601)."
    )
    review: str | None = Field(default=None, description="confirmed or disagreed, once reviewed.")
    parts: list[int] | None = Field(
        default=None,
        description="The deletions of the incident's other channels that this decision covers.",
    )
    part_of: int | None = Field(
        default=None, description="The decision covering every channel that this is part of."
    )


class SendingOut(Schema):
    paused: bool


# --- incidents -----------------------------------------------------------------------------


class IncidentIn(Body):
    kind: Text = Field(
        description="What went wrong: fact (a wrong fact or wording), tone (a tone or humour "
        "misjudgement) or harmful (personal data, someone who must not be identified, "
        "prejudicial, offensive or illegal: taken down, never corrected).",
        json_schema_extra=rules(choices=["fact", "tone", "harmful"]),
    )
    severity: Text = Field(
        description="minor, serious or critical",
        json_schema_extra=rules(choices=["minor", "serious", "critical"]),
    )
    summary: Text = Field(
        description="What went wrong, for the team.", json_schema_extra=rules(length=2000)
    )
    rationale: Text = Field(description=RATIONALE, json_schema_extra=rules(length=2000))


class ProtectIn(Body):
    names: list[str] = Field(
        description="Names that must never be published (a victim, a witness, a child); "
        "replaces the list; empty clears it. Stored encrypted, never shown.",
        max_length=50,
    )


class Protected(Schema):
    incident: int
    protected: int = Field(description="How many names are protected (never the names).")


class RedactedIn(Body):
    text: Text = Field(description="The redacted wording, e.g. with [name removed].")
    reason: Text = Field(
        description="What was removed and why, in general words.",
        json_schema_extra=rules(length=2000),
    )


class Redacted(Schema):
    post: int
    redacts: int


class IncidentOpened(Schema):
    incident: int


class Step(Schema):
    step: str
    status: str = Field(description="done, to do, optional, not applicable or not needed")
    note: str | None = Field(
        None, description="Who overrode a checker and why; why a step was not needed."
    )


class Budget(Schema):
    used: int
    limit: int


class Event(Schema):
    seq: int
    kind: str
    label: str
    at: str
    by: str | None
    subject: str | None
    why: str | None = Field(
        None, description="The rationale recorded with a decision, an override's reason."
    )


class Channel(Schema):
    post: int
    account: str
    status: str = Field(description="live, corrected or deleted")


class IncidentReport(Schema):
    incident: int
    post: int
    channels: list[Channel] = Field(
        description="Every post the incident covers: the first, then the other channels."
    )
    status: str
    kind: str
    severity: str
    summary: str
    rationale: str = Field(description="Why the incident was opened as it was.")
    close_rationale: str | None = None
    not_needed: dict[str, str] | None = Field(
        None, description="Steps not done at closing, each with why it was not needed."
    )
    steps: list[Step]
    budget: Budget
    time_to_apology: int | None = Field(description="Seconds from the post to the apology.")
    time_to_correction: int | None = Field(description="Seconds from the post to the correction.")
    timeline: list[Event]


class CloseIn(Body):
    statement: Text = Field(
        description="The final statement, published on the post's channel.",
        json_schema_extra=rules(length=100_000),
    )
    rationale: str = Field("", description=RATIONALE + " Required unless check.", max_length=2000)
    not_needed: dict[str, str] = Field(
        default_factory=dict,
        description="For each step not done (apologise, amend, explain, laugh), why it was not "
        "needed.",
    )
    check: bool = Field(False, description="Only check the statement; close nothing (200).")
    anyway: bool = Field(False, description="Publish despite the checker (recorded).")
    override_reason: str = Field(
        "",
        description="With anyway: why you override the checker (required then; recorded and "
        "shown beside the step).",
        max_length=2000,
    )


class IncidentClosed(Schema):
    incident: int
    status: str = Field(description="closed, or open when only checked")
    statement: int | None
    findings: list[Finding]
    not_done: list[str] = Field(description="Steps not done when the incident was closed.")


class AddPostIn(Body):
    post: int | None = Field(None, description="A post Amends knows.")
    url: str | None = Field(
        None,
        description="Or a link to a post made outside Amends (it is adopted first).",
        max_length=2000,
    )


class EverywhereIn(Body):
    text: Text = Field(description="The full corrected wording, for every channel.")
    reason: Text = Field(
        description="What was wrong, for the public correction note.",
        json_schema_extra=rules(length=2000),
    )
    rationale: str = Field("", max_length=2000, description=RATIONALE)


class Everywhere(Schema):
    incident: int
    revisions: list[dict] = Field(description="Each post corrected: post, revision, how.")
