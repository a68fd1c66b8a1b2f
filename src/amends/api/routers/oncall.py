"""Telling the people on call: your channels, a test message, and the rota."""

from ninja import Router, Status

from amends.actions import AddChannel, AddShift, RemoveChannel, RemoveShift, SendTest
from amends.api import schemas as s
from amends.api import schemas_oncall as n
from amends.api.auth import staff
from amends.api.errors import ERRORS, closed_query
from amends.clock import now
from amends.notify.models import Channel, Shift

router = Router(tags=["notifications"])


def _channel(c: Channel) -> dict:
    return {"channel": c.pk, "kind": c.kind, "address": c.shown}


@router.get("/notify/channels", response={200: n.Channels, **ERRORS}, summary="Your channels")
@closed_query
def channels(request):
    """Your channels. A webhook's address is a secret: only its host is shown."""
    staff(request.auth, "choose how they are told")
    mine = Channel.objects.filter(user=request.auth).order_by("pk")
    return {"channels": [_channel(c) for c in mine]}


@router.post("/notify/channels", response={201: n.ChannelOut, **ERRORS}, summary="Add a channel")
def add_channel(request, payload: n.ChannelIn):
    """Add an email address, or a Microsoft Teams Workflows or Slack webhook address (https)."""
    added = AddChannel(request.auth, kind=payload.kind, address=payload.address).run()
    return Status(201, _channel(added))


@router.delete(
    "/notify/channels/{channel_id}",
    response={200: n.ChannelOut, **ERRORS},
    summary="Remove a channel",
)
def remove_channel(request, channel_id: s.Id):
    """Remove one of your channels."""
    removed = RemoveChannel(request.auth, channel=channel_id).run()
    return {**_channel(removed), "channel": channel_id}


@router.post("/notify/test", response={200: n.TestSent, **ERRORS}, summary="Send a test")
def send_test(request):
    """A test message on each of your channels, and how each went."""
    sent = SendTest(request.auth).run()
    return {"sent": [{"channel": n.channel, "ok": n.ok, "error": n.error or None} for n in sent]}


def _shift(shift: Shift) -> dict:
    return {
        "shift": shift.pk,
        "user": shift.user.username,
        "starts": shift.starts.isoformat(),
        "ends": shift.ends.isoformat(),
        "position": shift.position,
    }


@router.get("/rota", response={200: n.Rota, **ERRORS}, summary="Who is on call")
@closed_query
def rota(request):
    """The shifts that have not ended, soonest first."""
    staff(request.auth, "read the rota")
    shifts = Shift.objects.filter(ends__gt=now()).select_related("user").order_by("starts")
    return {"shifts": [_shift(x) for x in shifts]}


@router.post("/rota", response={201: n.ShiftOut, **ERRORS}, summary="Add a shift")
def add_shift(request, payload: n.ShiftIn):
    """Put someone on call (supervisors and admins); ``position`` 1 is told first."""
    shift = AddShift(
        request.auth,
        user=payload.user,
        starts=payload.starts,
        ends=payload.ends,
        position=payload.position,
    ).run()
    return Status(201, _shift(shift))


@router.delete("/rota/{shift_id}", response={200: n.ShiftOut, **ERRORS}, summary="Remove a shift")
def remove_shift(request, shift_id: s.Id):
    """Take a shift off the rota (supervisors and admins)."""
    removed = RemoveShift(request.auth, shift=shift_id).run()
    return {**_shift(removed), "shift": shift_id}
