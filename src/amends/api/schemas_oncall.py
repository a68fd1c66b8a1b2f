"""The API's shapes for telling the people on call: channels, test messages, the rota."""

from ninja import Schema
from pydantic import Field

from amends.api.schemas import Body, Text, rules


class ChannelIn(Body):
    kind: Text = Field(
        description="email, teams or slack",
        json_schema_extra=rules(choices=["email", "teams", "slack"]),
    )
    address: Text = Field(
        description="An email address, or a webhook's https address.",
        json_schema_extra=rules(length=2000),
    )


class ChannelOut(Schema):
    channel: int
    kind: str
    address: str = Field(description="The email address, or only a webhook's host.")


class Channels(Schema):
    channels: list[ChannelOut]


class Sent(Schema):
    channel: str
    ok: bool
    error: str | None


class TestSent(Schema):
    sent: list[Sent]


class ShiftIn(Body):
    user: Text = Field(description="Who is on call (a user name).")
    starts: Text = Field(description="When the shift starts (ISO 8601; no zone: the force's own).")
    ends: Text = Field(description="When it ends.")
    position: int = Field(1, ge=1, le=99, description="The order: 1 is told first.")


class ShiftOut(Schema):
    shift: int
    user: str
    starts: str
    ends: str
    position: int


class Rota(Schema):
    shifts: list[ShiftOut]
