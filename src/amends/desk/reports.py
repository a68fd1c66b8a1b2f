"""Read-only views of the desk for people: a post's history, an incident's progress."""

from amends.desk import incidents as rules
from amends.desk.lookups import get
from amends.desk.models import Incident, Post
from amends.record import api as record
from amends.record.models import Content


def post_history(post_id) -> dict:
    post = get(Post, post_id, "post")
    revisions = list(post.revisions.select_related("created_by").order_by("n"))
    states = dict(
        Content.objects.filter(entry_id__in=[r.seq for r in revisions]).values_list(
            "entry_id", "state"
        )
    )
    out = []
    for r in revisions:
        item = {"n": r.n, "at": r.created_at.isoformat(), "by": r.created_by.username}
        if r.n > 1:
            item["reason"] = r.reason
        if states.get(r.seq) == Content.State.PLAIN:
            item["text"] = record.read(r.seq).decode("utf-8")
        else:
            item["text"] = None
            item["sealed"] = True
        out.append(item)
    return {
        "post": post.pk,
        "status": post.status,
        "account": str(post.account),
        "kind": post.kind,
        "revisions": out,
    }


def timeline(incident: Incident) -> list[dict]:
    subjects = [f"incident:{incident.pk}", *(p.subject for p in incident.posts())]
    subjects += [p.subject for p in Post.objects.filter(incident=incident)]
    entries = {e.seq: e for s in subjects for e in record.entries_about(s)}
    return [entries[seq].read().as_event() for seq in sorted(entries)]


def incident_report(incident_id) -> dict:
    incident = get(Incident, incident_id, "incident")
    published = incident.post.created_at
    found = rules.progress([incident])[incident.pk]

    def since(moment):
        return None if moment is None else round((moment - published).total_seconds())

    return {
        "incident": incident.pk,
        "post": incident.post_id,
        "status": "open" if incident.is_open else "closed",
        "kind": incident.kind,
        "severity": incident.severity,
        "summary": incident.summary,
        "rationale": incident.rationale,
        "channels": [
            {"post": p.pk, "account": str(p.account), "status": p.status} for p in incident.posts()
        ],
        "steps": [
            {"step": s.step, "status": s.status, **({"note": s.note} if s.note else {})}
            for s in found.steps
        ],
        "budget": {"used": found.used, "limit": incident.budget},
        "time_to_apology": since(found.first_apology),
        "time_to_correction": since(found.first_correction),
        **(
            {}
            if incident.is_open
            else {"close_rationale": incident.close_rationale, "not_needed": incident.not_needed}
        ),
        "timeline": timeline(incident),
    }
