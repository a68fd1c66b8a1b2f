"""Shapes of the copies and conversation operations."""

from ninja import Schema
from pydantic import Field

from amends.api.schemas import Body, Text, rules

FOUND_BY = ["webmention", "pingback", "quote", "repost", "reply", "archive", "screenshot", "text"]


class CopyIn(Body):
    url: Text = Field(description="Where the copy is.", json_schema_extra=rules(length=2000))
    found_by: Text = Field(
        description="How it was found.", json_schema_extra=rules(choices=FOUND_BY)
    )
    revision: int | None = Field(
        None, ge=1, le=10_000, description="The revision it shows (default: the latest)."
    )
    note: Text = Field("", description="Anything a colleague should know.")


class CopyOut(Schema):
    id: int
    url: str
    found_by: str
    revision: int
    shows_error: bool = Field(
        description="The revision it shows has since been corrected, or the post taken down."
    )
    found_at: str
    notified_at: str | None
    gone_at: str | None
    offer: str | None = Field(
        description="What can be done about it now: webmention (a web page is sent one), reply "
        "(a reply with the correction beside a platform copy, made in its app), or null."
    )


class Copies(Schema):
    post: int
    copies: list[CopyOut]


class MatchIn(Body):
    text: Text = Field(
        description="Words found elsewhere (re-typed, quoted, read from a screenshot).",
        json_schema_extra=rules(length=100_000),
    )


class MatchOut(Schema):
    post: int
    revision: int
    score: float = Field(ge=0, le=1)
    shows_error: bool


class Matches(Schema):
    matches: list[MatchOut]


class HourOut(Schema):
    hour: str
    replies: int
    quotes: int
    reposts: int
    mentions: int


class Conversation(Schema):
    incident: int
    per_hour: list[HourOut]
    peak: str | None
    fallen_by: float = Field(ge=0, le=1)
    state: str = Field(description="quiet, rising, steady, falling or revived")
    advice: str


class NotifyIn(Body):
    anyway: bool = Field(
        False, description="Tell them although the budget is spent or the incident closed."
    )
    override_reason: str = Field(
        "",
        description="With anyway: why (required then; recorded).",
        max_length=2000,
    )


class Notified(Schema):
    id: int
    notified_at: str


class MentionOut(Schema):
    id: int
    post: int
    kind: str = Field(description="reply, quote, repost or mention")
    url: str
    author: str
    text: str
    at: str
    handled_at: str | None
    handled_by: str | None


class Inbox(Schema):
    incident: int
    mentions: list[MentionOut]
