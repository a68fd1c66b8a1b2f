"""Incidents: open one on a post that went wrong, follow it, close it to move on."""

from ninja import Router, Status

from amends.actions import (
    AddToIncident,
    AdoptPost,
    CloseIncident,
    CorrectEverywhere,
    OpenIncident,
    ProtectNames,
    PublishRedacted,
)
from amends.api import schemas as s
from amends.api import schemas_incidents as si
from amends.api.auth import staff
from amends.api.errors import ERRORS, closed_query
from amends.desk.reports import incident_report

router = Router(tags=["incidents"])


@router.post(
    "/posts/{post_id}/incidents",
    response={201: si.IncidentOpened, **ERRORS},
    summary="Open an incident",
)
def open_incident(request, post_id: s.Id, payload: si.IncidentIn):
    """Open an incident on a post that went wrong."""
    opened = OpenIncident(
        request.auth,
        post=post_id,
        kind=payload.kind,
        severity=payload.severity,
        summary=payload.summary,
        rationale=payload.rationale,
    ).run()
    return Status(201, {"incident": opened.pk})


@router.get(
    "/incidents/{incident_id}",
    response={200: si.IncidentReport, **ERRORS},
    summary="An incident's progress",
)
@closed_query
def show(request, incident_id: s.Id):
    """The five steps, the response budget and the timeline."""
    staff(request.auth, "read incidents")
    return incident_report(incident_id)


@router.post(
    "/incidents/{incident_id}/close",
    response={200: si.IncidentClosed, **ERRORS},
    summary="Close an incident",
)
def close(request, incident_id: s.Id, payload: si.CloseIn):
    """Move on: close the incident with a final statement on the post's channel. The
    statement is checked (no minimising, evasion or blame; no humour after a serious incident);
    every step not done needs ``not_needed``. With ``check``, nothing changes."""
    action = CloseIncident(
        request.auth,
        incident=incident_id,
        statement=payload.statement,
        rationale=payload.rationale,
        not_needed=payload.not_needed,
        check=payload.check,
        anyway=payload.anyway,
        override_reason=payload.override_reason,
    )
    closed = action.run()
    findings = [f.as_json() for f in action.findings]
    if closed is None:
        return {
            "incident": incident_id,
            "status": "open",
            "statement": None,
            "findings": findings,
            "not_done": action.undone,
        }
    return {
        "incident": closed.pk,
        "status": "closed",
        "statement": closed.statement_id,
        "findings": findings,
        "not_done": action.undone,
    }


@router.put(
    "/incidents/{incident_id}/protected-names",
    response={200: si.Protected, **ERRORS},
    summary="Set an incident's protected names",
)
def protect(request, incident_id: s.Id, payload: si.ProtectIn):
    """Names that must never be published about this incident. Stored encrypted and never
    shown; anything published about the incident that contains one is refused."""
    done = ProtectNames(request.auth, incident=incident_id, names=payload.names).run()
    return {"incident": done.pk, "protected": len(done.protected_names())}


@router.post(
    "/posts/{post_id}/redacted",
    response={201: si.Redacted, **ERRORS},
    summary="Publish a redacted version of a post taken down",
)
def redacted(request, post_id: s.Id, payload: si.RedactedIn):
    """A new post with what had to go replaced by "[name removed]": it never shows the old
    wording, and protected names or personal data are refused."""
    published = PublishRedacted(
        request.auth, post=post_id, text=payload.text, reason=payload.reason
    ).run()
    return Status(201, {"post": published.pk, "redacts": published.redacts_id})


@router.post(
    "/incidents/{incident_id}/posts",
    response={200: si.IncidentOpened, **ERRORS},
    summary="Add another channel's post to an incident",
)
def add_post(request, incident_id: s.Id, payload: si.AddPostIn):
    """The same message on another channel: a post Amends knows, or a link (adopted first)."""
    post = payload.post
    if post is None:
        post = AdoptPost(request.auth, url=payload.url or "").run().pk
    AddToIncident(request.auth, incident=incident_id, post=post).run()
    return {"incident": incident_id}


@router.post(
    "/incidents/{incident_id}/corrections",
    response={201: si.Everywhere, **ERRORS},
    summary="Correct every channel of an incident at once",
)
def correct_everywhere(request, incident_id: s.Id, payload: si.EverywhereIn):
    """One correction to every post of the incident, each by its platform's strategy; every
    plan is checked first, and one that cannot take it stops all."""
    action = CorrectEverywhere(
        request.auth,
        incident=incident_id,
        text=payload.text,
        reason=payload.reason,
        rationale=payload.rationale,
    )
    revisions = action.run()
    out = [
        {"post": r.post_id, "revision": r.n, "how": c.plan.how}
        for r, c in zip(revisions, action.corrections, strict=True)
    ]
    return Status(201, {"incident": incident_id, "revisions": out})
