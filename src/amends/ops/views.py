"""/healthz and /metrics."""

import hmac
import ipaddress

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from amends.ops.health import facts
from amends.ops.metrics import REGISTRY


@never_cache
@require_GET
def healthz(request):
    """200 with the counts when the database answers; 503 naming what failed otherwise. No
    names, no wording: safe for a load balancer or a public monitor."""
    try:
        found = facts()
    except DatabaseError as error:
        return JsonResponse(
            {"ok": False, "database": f"does not answer ({type(error).__name__})"}, status=503
        )
    return JsonResponse(
        {
            "ok": True,
            "database": "ok",
            "record": {
                "entries": found["record"],
                "checkpoint_age_seconds": found["checkpoint_age_seconds"],
            },
            "deliveries": {"waiting": found["waiting"], "failed": found["failed"]},
            "alerts_unsettled": found["alerts"],
            "sending_paused": bool(found["paused"]),
        }
    )


def _allowed(request) -> bool:
    """With AMENDS_METRICS_TOKEN set, the scraper sends it as a bearer token; without it, only
    the machine itself and private networks may read the metrics."""
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return address.is_loopback or address.is_private


@never_cache
@require_GET
def metrics(request):
    if not _allowed(request):
        return HttpResponse(
            "metrics: send the token in AMENDS_METRICS_TOKEN as a bearer token\n",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
