"""Each person's notification channels, and the on-call rota."""

from datetime import datetime
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from amends.actions.base import Action, Forbidden
from amends.actions.people import subject_of
from amends.clock import now
from amends.connectors import addresses
from amends.connectors.guard import private_allowed
from amends.desk.lookups import get, required_text
from amends.desk.roles import roles_of
from amends.errors import BadInput, NotFound, Refused
from amends.notify import api as notify
from amends.notify.models import Channel, Shift
from amends.record import api as record

STAFF_ROLES = ("author", "supervisor", "auditor", "admin")


def _checked_webhook(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and private_allowed()):
        raise BadInput("address: a webhook address must start with https://", field="address")
    if not parts.hostname:
        raise BadInput("address: give the whole webhook address, https://…", field="address")
    try:
        addresses.resolve(parts.hostname, parts.port or 443, private=private_allowed())
    except addresses.NotPublic as refusal:
        raise BadInput(f"address: {refusal}", field="address") from None
    except OSError:
        raise BadInput(
            f"address: {parts.hostname} cannot be found; check the webhook address",
            field="address",
        ) from None
    return url


class AddChannel(Action):
    """Add a way to be told: an email address, or a Teams or Slack webhook address."""

    roles = STAFF_ROLES
    verb = "choose how they are told"

    def __init__(self, actor, *, kind: str, address: str):
        super().__init__(actor)
        self.kind, self.address = kind, address

    def validate(self):
        if self.kind not in Channel.Kind.values:
            raise BadInput(f"kind: must be email, teams or slack (got {self.kind!r})", field="kind")
        required_text(self.address, "address", limit=2000)
        self.address = self.address.strip()
        if self.kind == Channel.Kind.EMAIL:
            try:
                validate_email(self.address)
            except ValidationError:
                raise BadInput(
                    "address: give an email address, like name@police.uk", field="address"
                ) from None
        else:
            _checked_webhook(self.address)

    def apply(self) -> Channel:
        if Channel.objects.filter(user=self.actor, kind=self.kind, address=self.address).exists():
            raise Refused("address: you already have this channel")
        channel = Channel.objects.create(
            user=self.actor, kind=self.kind, address=self.address, added_at=now()
        )
        record.append(
            "channel.added",
            {"channel": channel.pk, "kind": self.kind},  # never a webhook's secret address
            actor=self.actor_name,
            subject=subject_of(self.actor),
        )
        return channel


class RemoveChannel(Action):
    roles = STAFF_ROLES
    verb = "choose how they are told"

    def __init__(self, actor, *, channel):
        super().__init__(actor)
        self.channel_id = channel

    def apply(self) -> Channel:
        channel = get(Channel, self.channel_id, "channel")
        if channel.user_id != self.actor.pk:
            raise NotFound(f"channel: there is no channel {channel.pk} of yours")
        record.append(
            "channel.removed",
            {"channel": channel.pk, "kind": channel.kind},
            actor=self.actor_name,
            subject=subject_of(self.actor),
        )
        channel.delete()
        return channel


class SendTest(Action):
    """A test message on each of one's own channels."""

    roles = STAFF_ROLES
    verb = "send test messages"

    def apply(self):
        return self.actor

    def after(self, result):
        return notify.send_test(result)


def _moment(value, field: str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise BadInput(
                f"{field}: give a date and time like 2026-12-04T22:00 (got {value!r})",
                field=field,
            ) from None
    if moment.tzinfo is None:
        from django.utils import timezone

        moment = timezone.make_aware(moment)
    return moment


class AddShift(Action):
    """Put someone on call from one time to another, in an order (1 is told first)."""

    roles = ("supervisor", "admin")
    verb = "set the on-call rota"

    def __init__(self, actor, *, user: str, starts, ends, position: int = 1):
        super().__init__(actor)
        self.user_name, self.starts, self.ends, self.position = user, starts, ends, position

    def validate(self):
        self.starts, self.ends = _moment(self.starts, "from"), _moment(self.ends, "to")
        if self.ends <= self.starts:
            raise BadInput("to: the shift must end after it starts", field="to")
        if not isinstance(self.position, int) or not 1 <= self.position <= 99:
            raise BadInput("position: must be a whole number from 1 to 99", field="position")

    def apply(self) -> Shift:
        person = User.objects.filter(username=self.user_name, is_active=True).first()
        if person is None:
            raise NotFound(f"user: there is no active user {self.user_name!r}", field="user")
        if not roles_of(person) & {"supervisor", "admin", "author"}:
            raise Forbidden(
                f"user: {person.username} has no desk role that can act on an alert", field="user"
            )
        shift = Shift.objects.create(
            user=person, starts=self.starts, ends=self.ends, position=self.position
        )
        record.append(
            "shift.added",
            {
                "shift": shift.pk,
                "user": person.username,
                "from": self.starts.isoformat(),
                "to": self.ends.isoformat(),
                "position": self.position,
            },
            actor=self.actor_name,
            subject="rota",
        )
        return shift


class RemoveShift(Action):
    roles = ("supervisor", "admin")
    verb = "set the on-call rota"

    def __init__(self, actor, *, shift):
        super().__init__(actor)
        self.shift_id = shift

    def apply(self) -> Shift:
        shift = get(Shift, self.shift_id, "shift")
        record.append(
            "shift.removed",
            {"shift": shift.pk, "user": shift.user.username},
            actor=self.actor_name,
            subject="rota",
        )
        shift.delete()
        return shift
