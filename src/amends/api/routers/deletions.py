"""Deletions: request one (the last resort), and a second person's decision."""

from ninja import Router, Status

from amends.actions import ApproveDeletion, RejectDeletion, RequestDeletion
from amends.api import schemas as s
from amends.api.errors import ERRORS

router = Router(tags=["deletions"])


def _out(deletion) -> dict:
    return {"deletion": deletion.pk, "status": deletion.status}


@router.post(
    "/posts/{post_id}/deletions",
    response={201: s.DeletionOut, **ERRORS},
    summary="Request a deletion",
)
def request_deletion(request, post_id: s.Id, payload: s.DeletionIn):
    """Request a deletion, the last resort, with a ground from policy and a public
    explanation. A supervisor other than you must approve it."""
    deletion = RequestDeletion(
        request.auth, post=post_id, ground=payload.ground, explanation=payload.explain
    ).run()
    return Status(201, _out(deletion))


@router.post(
    "/deletions/{deletion_id}/approve",
    response={200: s.DeletionOut, **ERRORS},
    summary="Approve a deletion",
)
def approve(request, deletion_id: s.Id):
    """Approve a deletion (supervisors; never your own request): the post's page becomes a
    public notice and the original is sealed."""
    return _out(ApproveDeletion(request.auth, deletion=deletion_id).run())


@router.post(
    "/deletions/{deletion_id}/reject",
    response={200: s.DeletionOut, **ERRORS},
    summary="Reject a deletion",
)
def reject(request, deletion_id: s.Id, payload: s.RejectIn):
    """Reject a deletion request, with a reason (supervisors; never your own request)."""
    return _out(RejectDeletion(request.auth, deletion=deletion_id, reason=payload.reason).run())
