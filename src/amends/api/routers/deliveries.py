"""Deliveries to the platforms: read them with every attempt, and send a failed one again."""

from typing import Annotated

from ninja import Query, Router

from amends.actions import RetryDelivery
from amends.api import schemas as s
from amends.api.auth import staff
from amends.api.errors import ERRORS, closed_query
from amends.delivery import wording
from amends.delivery.models import Delivery
from amends.desk.lookups import get
from amends.desk.roles import roles_of
from amends.errors import BadInput

router = Router(tags=["deliveries"])
STATUSES = [status for status, _ in Delivery.Status.choices]


@router.get("/deliveries", response={200: s.Deliveries, **ERRORS}, summary="List deliveries")
@closed_query
def index(
    request,
    status: Annotated[s.Text | None, Query(description=", ".join(STATUSES))] = None,
    post: Annotated[s.Id | None, Query(description="Only deliveries of this post.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=s.MAX_ID)] = 0,
):
    """Deliveries newest first, with their status and last error."""
    staff(request.auth, "read deliveries")
    rows = Delivery.objects.select_related("account").order_by("-pk")
    if status is not None:
        if status not in STATUSES:
            raise BadInput(f"status: must be one of {', '.join(STATUSES)}", field="status")
        rows = rows.filter(status=status)
    if post is not None:
        rows = rows.filter(post_id=post)
    return {
        "deliveries": [d.as_json() for d in rows[offset : offset + limit]],
        "total": rows.count(),
    }


@router.get(
    "/deliveries/{delivery_id}",
    response={200: s.DeliveryDetail, **ERRORS},
    summary="A delivery with every attempt",
)
@closed_query
def detail(request, delivery_id: s.Id):
    """A delivery, the exact text it sends (null once the post is deleted and its wording
    sealed), and every attempt: when, how it ended, how long it took. What was asked of the
    platform and the platform's own words for a failure are shown to supervisors and admins
    only (null for others)."""
    staff(request.auth, "read deliveries")
    delivery = get(Delivery, delivery_id, "delivery")
    full = bool(roles_of(request.auth) & {"supervisor", "admin"})
    attempts = [a.as_json(full=full) for a in delivery.attempts.all()]
    return {**delivery.as_json(), "text": wording.shown(delivery), "attempts": attempts}


@router.post(
    "/deliveries/{delivery_id}/retry",
    response={200: s.DeliveryOut, **ERRORS},
    summary="Send a failed delivery again",
)
def retry(request, delivery_id: s.Id):
    """Send a failed delivery again, now (supervisors and admins)."""
    return RetryDelivery(request.auth, delivery=delivery_id).run().as_json()
