"""Holds and sealed originals: the auditor's operations."""

from ninja import Router, Status

from amends.actions import PlaceHold, ReleaseHold, Unseal
from amends.api import schemas as s
from amends.api.errors import ERRORS

router = Router(tags=["custody"])


@router.post("/holds", response={201: s.HoldOut, **ERRORS}, summary="Place a hold")
def place(request, payload: s.HoldIn):
    """Place a hold: nothing about the post may be deleted or destroyed while it stands."""
    hold = PlaceHold(request.auth, post=payload.post, reference=payload.reference).run()
    return Status(201, {"hold": hold.pk})


@router.post(
    "/holds/{hold_id}/release", response={200: s.HoldReleased, **ERRORS}, summary="Release a hold"
)
def release(request, hold_id: s.Id):
    """Release a hold."""
    hold = ReleaseHold(request.auth, hold=hold_id).run()
    return {"hold": hold.pk, "status": "released"}


@router.post(
    "/posts/{post_id}/unseal",
    response={200: s.Unsealed, **ERRORS},
    summary="Read a post's exact original wording",
)
def unseal(request, post_id: s.Id, payload: s.UnsealIn):
    """A post's exact wording, every revision (auditors only). The access is recorded, with
    the purpose and reference, before anything is returned. Like every API response, it is
    sent with ``Cache-Control: no-store``."""
    texts = Unseal(
        request.auth, post=post_id, purpose=payload.purpose, reference=payload.reference
    ).run()
    return {"post": post_id, "revisions": [{"n": n, "text": t} for n, t in texts.items()]}
