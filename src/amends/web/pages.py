"""What several desk pages show alike: a post's page, the five steps of an incident, the
changes made outside the desk. Views import these from here, never from each other."""

from datetime import datetime
from functools import cached_property

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amends.clock import now
from amends.connectors import CONNECTORS
from amends.delivery.models import OutsideChange
from amends.desk import incidents as rules
from amends.desk import policy
from amends.desk.models import Deletion, ImportedPost, Incident, Post
from amends.desk.reports import post_history
from amends.desk.roles import can_write
from amends.record import api as record
from amends.text.render import correction_html
from amends.web.fragments import key_for, versioned


def history(post: Post) -> list[dict]:
    """Each revision with its exact wording (when not sealed) and the diff from the one before."""
    revisions = post_history(post.pk)["revisions"]
    previous = None
    for revision in revisions:
        text = revision["text"]
        if previous is not None and text is not None:
            revision["diff"] = correction_html(previous, text)
        previous = text
        revision["when"] = datetime.fromisoformat(revision["at"])
    return revisions


def detail_context(request, post: Post) -> dict:
    from amends.copies.models import KnownCopy
    from amends.copies.register import copies_of
    from amends.desk.roles import roles_of

    incident = rules.incident_for(post)
    about = record.entries_about(post.subject)
    return {
        "post": post,
        "status": post.status,
        "revisions": history(post),
        "responses": post.responses.select_related("account").order_by("created_at"),
        "deletions": post.deletions.select_related("requested_by", "decided_by").order_by(
            "requested_at"
        ),
        "holds": record.active_holds(post.subject),
        "incident": incident,
        "open_incident": incident if incident is not None and incident.is_open else None,
        "grounds": [(g, gettext(policy.ground_in_words(g))) for g in policy.grounds()],
        "severities": [(s, gettext(policy.SEVERITY_HINTS[s])) for s in Incident.Severity.values],
        "kinds": [
            (k, gettext(label), gettext(policy.KIND_HINTS[k])) for k, label in Incident.Kind.choices
        ],
        "sealed": post.status == "deleted",
        "can_write": can_write(request.user),
        "deliveries": post.deliveries.select_related("account").order_by("pk"),
        "copy": getattr(post, "copy", None),
        "changes": post.outside_changes.order_by("found_at"),
        # Whether Amends can read the post's platform at all (not Nextdoor).
        "readable": CONNECTORS[post.account.platform].reads,
        "signed": signed_copy(post, about),
        "imported": ImportedPost.objects.filter(post=post).select_related("archive").first(),
        "discrepancies": [
            {"seq": e.seq, "time": e.read().at} for e in about if e.kind == "post.discrepancy"
        ],
        "known_copies": copies_of(post),
        "can_record_copies": bool(roles_of(request.user) & {"author", "supervisor", "auditor"}),
        "revision_numbers": list(range(post.revisions.count(), 0, -1)),
        "found_by": [(v, gettext(v)) for v in KnownCopy.FoundBy.values],
    }


def signed_copy(post: Post, about):
    """The newest record entry holding the platform's signed copy of an adopted post (Bluesky
    signs its posts), or None: the desk says what the capture proves and what it does not."""
    if post.captured_at is None:
        return None
    found = [e for e in about if e.kind == "post.signed"]
    return found[-1] if found else None


STEPS = {
    "apologise": (_("Apologise"), _("Say sorry plainly, on the same channel.")),
    "amend": (_("Make amends"), _("Correct the post visibly: strike through, say when and why.")),
    "explain": (_("Explain deletion"), _("Only for what is illegal, offensive or prejudicial.")),
    "laugh": (_("Laugh at yourself"), _("A light word after a harmless slip, and only then.")),
    "move_on": (_("Move on"), _("Close with a final statement; then stop responding.")),
}


def step_rows(steps) -> list[dict]:
    """Steps as the desk shows them, from :class:`rules.Step` or a report's step dicts."""
    rows = []
    for s in steps:
        step = s if isinstance(s, dict) else {"step": s.step, "status": s.status, "note": s.note}
        title, hint = STEPS[step["step"]]
        # Said now, in the page's language: kept as text, they cost nothing to read back.
        rows.append({**step, "note": step.get("note", ""), "title": str(title), "hint": str(hint)})
    return rows


def unseen_changes():
    return (
        OutsideChange.objects.filter(seen_at__isnull=True)
        .select_related("post__account")
        .order_by("-found_at")
    )


def awaiting_review(version: str | None = None):
    """Urgent removals not yet reviewed, the oldest first, each marked ``overdue`` if so.
    Given the record's ``version``, the list is kept under it (a removal and its review are
    recorded); whether each is overdue is worked out each time."""
    found = (
        Deletion.objects.filter(urgent=True, status=Deletion.Status.DONE, review="", part_of=None)
        .select_related("post__account", "decided_by")
        .order_by("review_due")
    )
    at = now()
    if version is None:
        out = list(found[:50])
    else:
        out = versioned(key_for("awaiting-review", version), lambda: list(found[:50]))
    for deletion in out:
        deletion.overdue = deletion.review_overdue(at)
    return out


class AfterStep:
    """Where a step taken on ``post`` returns to, and what comes next: the page of its open
    incident, with the first step still to do; else the post itself. Worked out once, after the
    step is taken."""

    def __init__(self, post: Post):
        self.post = post

    @cached_property
    def incident(self) -> Incident | None:
        found = rules.incident_for(self.post)
        return found if found is not None and found.is_open else None

    def url(self, _result=None) -> str:
        if self.incident is None:
            return reverse("desk:post", args=[self.post.pk])
        return reverse("desk:incident", args=[self.incident.pk]) + "#steps"

    @property
    def next(self) -> str:
        """ " Next: …" in words, or "" outside an incident."""
        if self.incident is None:
            return ""
        todo = [s for s in rules.steps(self.incident) if s.status == "to do"]
        first = next((s for s in todo if s.step != "move_on"), None)
        if first is None:
            return " " + gettext(
                "Every other step is done: when nothing more is needed, close the incident."
            )
        title, hint = STEPS[first.step]
        return " " + gettext("Next: %(step)s. %(hint)s") % {
            "step": str(title).lower(),
            "hint": hint,
        }
