"""Incidents: open one on a post that went wrong, follow it, close it to move on."""

from ninja import Router, Status

from amends.actions import CloseIncident, OpenIncident
from amends.api import schemas as s
from amends.api.auth import staff
from amends.api.errors import ERRORS, closed_query
from amends.desk.reports import incident_report

router = Router(tags=["incidents"])


@router.post(
    "/posts/{post_id}/incidents",
    response={201: s.IncidentOpened, **ERRORS},
    summary="Open an incident",
)
def open_incident(request, post_id: s.Id, payload: s.IncidentIn):
    """Open an incident on a post that went wrong."""
    opened = OpenIncident(
        request.auth,
        post=post_id,
        kind=payload.kind,
        severity=payload.severity,
        summary=payload.summary,
    ).run()
    return Status(201, {"incident": opened.pk})


@router.get(
    "/incidents/{incident_id}",
    response={200: s.IncidentReport, **ERRORS},
    summary="An incident's progress",
)
@closed_query
def show(request, incident_id: s.Id):
    """The five steps, the response budget and the timeline."""
    staff(request.auth, "read incidents")
    return incident_report(incident_id)


@router.post(
    "/incidents/{incident_id}/close",
    response={200: s.IncidentClosed, **ERRORS},
    summary="Close an incident",
)
def close(request, incident_id: s.Id, payload: s.CloseIn):
    """Move on: close the incident with a final statement on the post's channel."""
    closed = CloseIncident(request.auth, incident=incident_id, statement=payload.statement).run()
    return {"incident": closed.pk, "status": "closed", "statement": closed.statement_id}
