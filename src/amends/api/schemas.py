"""The API's input and output shapes. They parse and describe; the rules live in the actions.

Request bodies are strict (no type coercion, no unknown fields), so what the OpenAPI document
says is exactly what is accepted.
"""

import re
from datetime import date
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

# Identifiers fit a 64-bit column on every database; beyond that a number cannot name anything.
MAX_ID = 2**53 - 1


def _storable(value: str) -> str:
    # PostgreSQL cannot store NUL in text, and a lone surrogate is not encodable as UTF-8: both
    # would fail deep in the database, so they are refused here as bad input.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def _day(value: object) -> object:
    # Only the written form: pydantic alone would also read "0" as a day in 1970.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError(f"must be a date like 2026-05-14 (got {value!r})")
    return value


Text = Annotated[str, AfterValidator(_storable)]


def rules(*, length: int | None = None, choices: list[str] | None = None) -> dict:
    """The rules the actions enforce, written into the OpenAPI document (the actions keep
    checking them, with the same one-line messages as the command line)."""
    found: dict = {}
    if length is not None:
        found.update(minLength=1, maxLength=length)
    if choices is not None:
        found["enum"] = choices
    return found


Day = Annotated[date, BeforeValidator(_day)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Seq = Annotated[int, Field(ge=0, le=MAX_ID)]


class Error(Schema):
    """Every error: the input at fault (null when none is), and one line saying what is wrong
    and what is allowed."""

    field: str | None
    message: str


class Body(Schema):
    model_config = ConfigDict(strict=True, extra="forbid")


# --- posts ---------------------------------------------------------------------------------


class PublishIn(Body):
    account: Text = Field(description="PLATFORM:HANDLE, for example house:news")
    text: Text = Field(
        description="The exact wording; sealed into the record as published.",
        json_schema_extra=rules(length=100_000),
    )
    language: Text = Field(default="en", description="The language of text: en or cy (Welsh)")
    twin_text: Text = Field(
        default="",
        description="The same message in the other language, published with it as a bilingual pair",
        json_schema_extra=rules(length=100_000),
    )
    twin_account: Text = Field(
        default="", description="PLATFORM:HANDLE for the twin; default: the same account"
    )


class Published(Schema):
    post: int
    url: str
    twin: int | None = None


class AdoptIn(Body):
    url: Text = Field(
        description="The link to a post made outside Amends, as the platform's Share or Copy "
        "link gives it.",
        json_schema_extra=rules(length=2000),
    )
    wording: str = Field(
        default="",
        description="The post's words as they stand, for a platform Amends cannot read "
        "(Nextdoor); ignored where Amends reads the post itself.",
        json_schema_extra={"maxLength": 20000},
    )


class Adopted(Published):
    account: str
    adopted: bool = Field(description="false when Amends already knew the post")


class PostSummary(Schema):
    post: int
    account: str
    kind: str
    status: str
    at: str
    by: str
    in_reply_to: int | None
    text: str | None = Field(description="The current wording; null once sealed.")


class PostList(Schema):
    count: int
    posts: list[PostSummary]


class RevisionOut(Schema):
    n: int
    at: str
    by: str
    reason: str | None = None
    text: str | None
    sealed: bool = False


class History(Schema):
    post: int
    status: str
    account: str
    kind: str
    revisions: list[RevisionOut]


class CorrectIn(Body):
    text: Text = Field(
        description="The full corrected wording.", json_schema_extra=rules(length=100_000)
    )
    reason: Text = Field(
        description="What was wrong, for the public correction note.",
        json_schema_extra=rules(length=2000),
    )
    anyway: bool = Field(
        False, description="Publish despite the tone guard (needs rationale; recorded)."
    )
    rationale: str = Field(
        "",
        description="Why you correct it this way, for the record (never published); required "
        "with anyway.",
        max_length=2000,
    )
    as_reply: bool = Field(
        False, description="Send the correction as a reply even where editing is allowed."
    )
    as_quote: bool = Field(
        False, description="Send the correction as a new post quoting the wrong one (Bluesky, X)."
    )
    plan_only: bool = Field(
        False, description="Only say how the correction would be sent; change nothing (200)."
    )


class Plan(Schema):
    how: str = Field(description="site, edit (in place), reply (in the thread) or quote")
    text: str = Field(description="Exactly what is sent to the platform.")
    length: str = Field(description="Its length as the platform counts it, against the limit.")
    why: str


class Corrected(Schema):
    post: int
    revision: int | None = Field(description="The new revision; null when only planned.")
    plan: Plan


class ApologyIn(Body):
    text: Text
    check: bool = Field(False, description="Only check the wording; publish nothing.")
    anyway: bool = Field(False, description="Publish despite errors (recorded).")
    override_reason: str = Field(
        "",
        description="With anyway: why you override the checker (required then; recorded and "
        "shown beside the step).",
        max_length=2000,
    )


class Finding(Schema):
    severity: str
    code: str
    message: str


class Apology(Schema):
    post: int | None = Field(description="The apology's post; null when only checked.")
    findings: list[Finding]


class ReplyIn(Body):
    text: Text
    anyway: bool = Field(
        False, description="Reply despite the budget, a closed incident or the tone guard."
    )
    override_reason: str = Field(
        "",
        description="With anyway: why you override the checker (required then; recorded and "
        "shown beside the step).",
        max_length=2000,
    )


class Replied(Schema):
    post: int


# --- custody -------------------------------------------------------------------------------


class HoldIn(Body):
    post: Id
    reference: Text = Field(
        description="The complaint, FOI or case reference.",
        json_schema_extra=rules(length=200),
    )


class HoldOut(Schema):
    hold: int


class HoldReleased(Schema):
    hold: int
    status: str


class UnsealIn(Body):
    purpose: Text = Field(
        description="Why you need the original.", json_schema_extra=rules(length=1000)
    )
    reference: Text = Field(
        description="The complaint, FOI or case reference.",
        json_schema_extra=rules(length=200),
    )


class Wording(Schema):
    n: int
    text: str


class Unsealed(Schema):
    post: int
    revisions: list[Wording]


# --- people and accounts -------------------------------------------------------------------


class UserIn(Body):
    name: Text
    role: Text = Field(
        description="author, supervisor, auditor or admin",
        json_schema_extra=rules(choices=["author", "supervisor", "auditor", "admin"]),
    )
    password: Text | None = Field(None, description="For signing in to the desk; none if absent.")


class UserOut(Schema):
    user: str
    role: str


class AccountIn(Body):
    account: Text = Field(description="PLATFORM:HANDLE, for example house:news")
    name: Text = Field("", description="A display name, e.g. 'Example Police news'.")
    server: Text | None = Field(None, description="The platform's URL (PDS, instance, site).")
    user: Text | None = Field(None, description="The user name (WordPress).")
    page: Text | None = Field(None, description="The Page id (Facebook).")
    password: Text | None = Field(
        None, description="An app or application password; stored encrypted, never shown."
    )
    token: Text | None = Field(None, description="An access token; stored encrypted, never shown.")


class AccountOut(Schema):
    account: str


# --- the record ----------------------------------------------------------------------------


class CheckpointOut(Schema):
    size: int
    root: str = Field(description="Hex.")
    note: str = Field(description="The C2SP signed note.")


class Entry(Schema):
    seq: int
    kind: str
    leaf: str | None = Field(
        description="The exact leaf bytes, base64; null where withheld (see withheld)."
    )
    hash: str = Field(description="The RFC 9162 leaf hash, hex.")
    withheld: str | None = Field(
        None,
        description="Why the leaf is withheld: accesses to sealed content and exports name "
        "an auditor's purpose and reference, shown to auditors only.",
    )


class Entries(Schema):
    entries: list[Entry]


class InclusionOut(Schema):
    seq: int
    size: int
    leaf_hash: str
    root: str
    proof: list[str]
    checkpoint: str | None = None


class ConsistencyOut(Schema):
    from_size: int = Field(alias="from")
    to: int
    from_root: str
    to_root: str
    proof: list[str]
    checkpoint: str | None = None


# --- tokens --------------------------------------------------------------------------------


class TokenIn(Body):
    name: Text = Field("", description="What the token is for, to recognise it later.")
    days: int | None = Field(
        None, description="It stops working this many days from now (1 to 3650); null: never."
    )


class TokenOut(Schema):
    id: int
    user: str
    name: str
    shown: str = Field(description="The token's visible beginning, to recognise it.")
    state: str = Field(description="active, expired or revoked")
    created_at: str
    expires_at: str | None = Field(description="When it stops working; null: never.")
    last_used_at: str | None
    revoked_at: str | None


class TokenCreated(TokenOut):
    token: str = Field(description="The whole token. Shown once: it is never stored.")


class Tokens(Schema):
    tokens: list[TokenOut]


class AttemptOut(Schema):
    started_at: str
    outcome: str
    ms: float | None
    worker: str
    request: str | None = Field(description="What was asked; supervisors and admins only.")
    response: str | None = Field(
        description="The platform's own words for a failure; supervisors and admins only."
    )
    error: str


class DeliveryOut(Schema):
    delivery: int
    post: int
    account: str
    op: str = Field(description="publish, edit, thread (a reply), delete or notice")
    status: str = Field(description="pending, sending, done, failed or cancelled")
    tries: int
    due_at: str
    url: str
    error: str
    why: str


class DeliveryDetail(DeliveryOut):
    text: str | None = Field(description="Exactly what is sent; null once the post is sealed.")
    attempts: list[AttemptOut]


class Deliveries(Schema):
    deliveries: list[DeliveryOut]
    total: int


class ExportIn(Body):
    post: Id | None = Field(None, description="A post, with its answers.")
    incident: Id | None = Field(None, description="An incident and all its posts.")
    account: Text | None = Field(None, description="A whole account: PLATFORM:HANDLE.")
    purpose: Text = Field(description="Why the pack is made, in words (recorded).")
    reference: Text = Field(description="The complaint, FOI or case reference.")
