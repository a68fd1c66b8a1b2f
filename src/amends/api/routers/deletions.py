"""Deletions: request one (the last resort) and a second person's decision; the urgent
removal a supervisor makes at once and its review; and pausing all sending."""

from ninja import Router, Status

from amends.actions import (
    ApproveDeletion,
    PauseSending,
    RejectDeletion,
    RemoveNow,
    RequestDeletion,
    ResumeSending,
    ReviewRemoval,
    WithdrawDeletion,
)
from amends.api import schemas as s
from amends.api import schemas_incidents as si
from amends.api.errors import ERRORS

router = Router(tags=["deletions"])


def _out(deletion) -> dict:
    return deletion.as_json()


@router.post(
    "/posts/{post_id}/deletions",
    response={201: si.DeletionOut, **ERRORS},
    summary="Request a deletion",
)
def request_deletion(request, post_id: s.Id, payload: si.DeletionIn):
    """Request a deletion, the last resort, with a ground from policy, a public explanation
    and your rationale. A supervisor other than you must approve it."""
    deletion = RequestDeletion(
        request.auth,
        post=post_id,
        ground=payload.ground,
        explanation=payload.explain,
        rationale=payload.rationale,
        everywhere=payload.everywhere,
    ).run()
    return Status(201, _out(deletion))


@router.post(
    "/posts/{post_id}/removal",
    response={201: si.DeletionOut, **ERRORS},
    summary="Remove a post now (urgent)",
)
def remove_now(request, post_id: s.Id, payload: si.DeletionIn):
    """Take a post down at once (supervisors): the public notice and the platform deletion
    go out now and another supervisor must review the decision by ``review_due``."""
    deletion = RemoveNow(
        request.auth,
        post=post_id,
        ground=payload.ground,
        explanation=payload.explain,
        rationale=payload.rationale,
        everywhere=payload.everywhere,
    ).run()
    return Status(201, _out(deletion))


@router.post(
    "/deletions/{deletion_id}/approve",
    response={200: si.DeletionOut, **ERRORS},
    summary="Approve a deletion",
)
def approve(request, deletion_id: s.Id, payload: si.DecisionIn):
    """Approve a deletion (supervisors; never your own request): the post's page becomes a
    public notice and the original is sealed."""
    return _out(
        ApproveDeletion(request.auth, deletion=deletion_id, rationale=payload.rationale).run()
    )


@router.post(
    "/deletions/{deletion_id}/reject",
    response={200: si.DeletionOut, **ERRORS},
    summary="Reject a deletion",
)
def reject(request, deletion_id: s.Id, payload: si.DecisionIn):
    """Reject a deletion request, with your rationale (supervisors; never your own
    request)."""
    return _out(
        RejectDeletion(request.auth, deletion=deletion_id, rationale=payload.rationale).run()
    )


@router.post(
    "/deletions/{deletion_id}/withdraw",
    response={200: si.DeletionOut, **ERRORS},
    summary="Withdraw a deletion request",
)
def withdraw(request, deletion_id: s.Id):
    """Withdraw your own deletion request while it waits for approval."""
    return _out(WithdrawDeletion(request.auth, deletion=deletion_id).run())


@router.post(
    "/deletions/{deletion_id}/review",
    response={200: si.DeletionOut, **ERRORS},
    summary="Review an urgent removal",
)
def review(request, deletion_id: s.Id, payload: si.ReviewIn):
    """Confirm an urgent removal another supervisor made, or record disagreement, with your
    rationale."""
    return _out(
        ReviewRemoval(
            request.auth,
            deletion=deletion_id,
            verdict=payload.verdict,
            rationale=payload.rationale,
        ).run()
    )


@router.post("/sending/pause", response={200: si.SendingOut, **ERRORS}, summary="Pause all sending")
def pause(request, payload: si.PauseIn):
    """Stop every delivery and retry to every platform until sending resumes (supervisors
    and admins). Nothing waiting is lost."""
    PauseSending(request.auth, reason=payload.reason).run()
    return {"paused": True}


@router.post("/sending/resume", response={200: si.SendingOut, **ERRORS}, summary="Resume sending")
def resume(request):
    """Resume sending after a pause: whatever waited is sent, once each."""
    ResumeSending(request.auth).run()
    return {"paused": False}
