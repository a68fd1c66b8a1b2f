"""Prometheus metrics, from the official client.

Counted in the process that serves them: request latency by part of the site, and actions by
kind. Read from the database at each scrape (so every process answers alike): deliveries
waiting and failed, the newest checkpoint's age, the record's size, alerts nobody has settled,
and whether sending is paused.
"""

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Histogram(
    "amends_request_seconds",
    "Time to answer a request, by part of the site.",
    ["part"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
ACTIONS = Counter("amends_actions", "Actions completed, by kind.", ["kind"], registry=REGISTRY)


def part_of(path: str) -> str:
    for prefix, part in (("/desk/", "desk"), ("/api/", "api")):
        if path.startswith(prefix):
            return part
    return "ops" if path in ("/healthz", "/metrics") else "public"


def timed(get_response):
    """Middleware: how long each answer took, by part of the site (a few labels only)."""

    def middleware(request):
        started = time.perf_counter()
        response = get_response(request)
        REQUESTS.labels(part_of(request.path)).observe(time.perf_counter() - started)
        return response

    return middleware


class FromTheDatabase:
    """Gauges read at each scrape (never when registered: importing must not touch the
    database)."""

    def describe(self):
        return []

    def collect(self):
        from amends.ops.health import facts

        found = facts()
        yield _gauge("amends_deliveries_waiting", "Deliveries not yet sent.", found["waiting"])
        yield _gauge("amends_deliveries_failed", "Deliveries that failed.", found["failed"])
        yield _gauge("amends_record_entries", "Entries in the record.", found["record"])
        age = found["checkpoint_age_seconds"]
        if age is not None:
            yield _gauge(
                "amends_checkpoint_age_seconds", "Age of the newest signed checkpoint.", age
            )
        yield _gauge("amends_alerts_unsettled", "Alerts nobody has acted on.", found["alerts"])
        yield _gauge("amends_sending_paused", "1 while all sending is paused.", found["paused"])


def _gauge(name: str, text: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, text, value=value)


REGISTRY.register(FromTheDatabase())
