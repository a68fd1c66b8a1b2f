"""Evidence packs: the auditor's export, handed over as a zip file."""

from ninja import Router

from amends.actions import ExportPack
from amends.api import schemas as s
from amends.api.errors import ERRORS
from amends.evidence.download import handed_over

router = Router(tags=["evidence"])

ZIP = {
    "description": "The evidence pack: a zipped BagIt bag (RFC 8493) with verify.py inside.",
    "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
}


@router.post(
    "/exports",
    response=ERRORS,
    summary="Export an evidence pack",
    openapi_extra={"responses": {200: ZIP}},
)
def export(request, payload: s.ExportIn):
    """Everything the record holds about a post, an incident or an account (name exactly one),
    with proofs, the exact wording and a report, for a complaint, an FOI request or a court
    (auditors only). The export is recorded before the pack is written; the pack is not kept."""
    return handed_over(
        lambda output: ExportPack(
            request.auth,
            post=payload.post,
            incident=payload.incident,
            account=payload.account,
            purpose=payload.purpose,
            reference=payload.reference,
            output=output,
        )
    )
