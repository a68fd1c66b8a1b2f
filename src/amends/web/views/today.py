"""Today: what needs doing now, on one page."""

from django.shortcuts import render
from django.utils import timezone

from amends.delivery.models import Delivery
from amends.desk import incidents as rules
from amends.desk.models import Deletion, Incident, Post
from amends.record import api as record
from amends.web.access import desk_page
from amends.web.views.deliveries import unseen_changes
from amends.web.views.incidents import step_rows
from amends.web.views.posts import midnight

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


@desk_page()
def today(request):
    pending = (
        Deletion.objects.filter(status=Deletion.Status.PENDING)
        .select_related("post__account", "requested_by")
        .order_by("requested_at")
    )
    failed = (
        Delivery.objects.filter(status=Delivery.Status.FAILED)
        .select_related("account")
        .order_by("-pk")
    )
    context = {
        "incidents": _open_incidents(),
        "open_count": Incident.objects.filter(closed_at__isnull=True).count(),
        "pending": pending[:SHOWN],
        "pending_count": pending.count(),
        "health": record.health(),
        "failed": failed[:SHOWN],
        "failed_count": failed.count(),
        "waiting_count": Delivery.objects.filter(
            status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
        ).count(),
        "changes": unseen_changes()[:SHOWN],
        "posts_today": Post.objects.filter(
            created_at__gte=midnight(timezone.localdate()), kind=Post.Kind.POST
        ).count(),
    }
    return render(request, "desk/today.html", context)
