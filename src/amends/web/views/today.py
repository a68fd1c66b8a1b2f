"""Today: what needs doing now, on one page.

The table of open incidents is the same for everyone until the record grows, and is the
costliest part of the page to work out and draw: it is kept in the cache under the record's
version (``record.version()``) and worked out only when the version has moved on.
"""

from django.shortcuts import render
from django.utils import timezone

from amends.delivery.models import Delivery
from amends.desk import incidents as rules
from amends.desk.models import Deletion, Incident
from amends.desk.roles import roles_of
from amends.record import api as record
from amends.web import needs
from amends.web.access import desk_page
from amends.web.fragments import key_for, versioned
from amends.web.later import Later
from amends.web.pages import awaiting_review, step_rows, unseen_changes

SHOWN = 50


def _open_incidents() -> list[dict]:
    incidents = (
        Incident.objects.filter(closed_at__isnull=True)
        .select_related("post__account")
        .order_by("-opened_at", "-pk")[:SHOWN]
    )
    # All of them at once: one incident at a time would cost seven queries each.
    progress = rules.progress(incidents)
    out = []
    for incident in incidents:
        found = progress[incident.pk]
        out.append(
            {
                "incident": incident,
                "steps": step_rows(found.steps),
                "used": found.used,
                "spent": found.used >= incident.budget,
            }
        )
    return out


def _counts() -> dict:
    return {
        "open": Incident.objects.filter(closed_at__isnull=True).count(),
        "pending": Deletion.objects.filter(status=Deletion.Status.PENDING, part_of=None).count(),
        "failed": Delivery.objects.filter(status=Delivery.Status.FAILED).count(),
        "waiting": Delivery.objects.filter(
            status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
        ).count(),
        "changes": unseen_changes().count(),
    }


def _failed() -> list[Delivery]:
    failed = Delivery.objects.filter(status=Delivery.Status.FAILED)
    return list(failed.select_related("account").order_by("-pk")[:SHOWN])


def _pending() -> list[Deletion]:
    pending = (
        Deletion.objects.filter(status=Deletion.Status.PENDING, part_of=None)
        .select_related("post__account", "requested_by")
        .order_by("requested_at")
    )
    return list(pending[:SHOWN])


@desk_page()
def today(request):
    roles = roles_of(request.user)
    version = record.version()
    reviews = awaiting_review(version)
    context = {
        # Urgent removals waiting for a second person: overdue ones are raised for everyone.
        "reviews": reviews,
        "overdue": any(d.overdue for d in reviews),
        # What the counts, the incidents and the failed deliveries show changes only by actions
        # and by the worker's outcomes, each recorded: they are cached under the record's
        # version. (A delivery waiting to be tried again is still waiting; its tries are not
        # shown here.)
        "version": version,
        "supervisor": "supervisor" in roles,
        "counts": Later(_counts),
        "incidents": Later(_open_incidents),
        "failed": Later(_failed),
        "pending": Later(_pending),
        # The pending deletions say how long ago each was asked for, in minutes at the finest.
        "minute": timezone.now().strftime("%Y%m%d%H%M"),
        "health": record.health(),
        "can_pause": bool(roles & {"supervisor", "admin"}),
        "can_write": bool(roles & {"author", "supervisor"}),
        "can_review": "supervisor" in roles,
        # Found by the worker and seen by someone, each recorded: kept under the version.
        "changes": versioned(
            key_for("today-changes", version), lambda: list(unseen_changes()[:SHOWN])
        ),
        "needs": Later(lambda: needs.for_person(request.user)),
        # Whose list it is: the same for everyone with the same roles, except that a
        # supervisor is never asked to decide or review their own deletion.
        "needs_for": ("-".join(sorted(roles)) or "none")
        + (f"-{request.user.pk}" if "supervisor" in roles else ""),
        # The record's own state is for auditors and admins (everyone sees it if it fails).
        "can_audit": bool(roles & {"auditor", "admin"}),
    }
    return render(request, "desk/today.html", context)
