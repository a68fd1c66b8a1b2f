"""What /healthz and /metrics report: the database, the record, the delivery queue."""

from amends.clock import now


def facts() -> dict:
    """Counts read from the database in a handful of queries."""
    from amends.delivery.models import Delivery, Pause
    from amends.notify.models import Alert
    from amends.record import api as record

    checkpoint = record.latest_checkpoint()
    age = None if checkpoint is None else round((now() - checkpoint.created_at).total_seconds())
    return {
        "record": record.size(),
        "checkpoint_age_seconds": age,
        "waiting": Delivery.objects.filter(
            status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING]
        ).count(),
        "failed": Delivery.objects.filter(status=Delivery.Status.FAILED).count(),
        "alerts": Alert.objects.filter(settled_at__isnull=True).count(),
        "paused": int(Pause.objects.filter(resumed_at__isnull=True).exists()),
    }
