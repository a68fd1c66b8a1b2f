"""Following another force's published log."""

import click

from amends.cli import Failed, command


@click.command()
@click.argument("url")
@command
def monitor(url):
    """Follow a force's published log from its public site alone: check its signed checkpoint
    against its key history, rebuild from its hash tiles the tree seen last time and the tree
    now, and keep what was seen (in AMENDS_HOME/monitor). A fork, a rollback or a key changed
    behind the log's history is an error; so is a stale log, one whose checkpoint has not changed
    (not even a new cosignature) for AMENDS_MONITOR_STALE_HOURS (default 48). Run it as often as
    you like, for example hourly.

    Example: amends monitor https://news.police.example --json
    """
    from django.conf import settings

    from amends.monitor.follow import follow

    try:
        result = follow(url, settings.HOME / "monitor", stale_hours=settings.MONITOR_STALE_HOURS)
    except ValueError as error:
        raise Failed(str(error)) from None
    payload = result.as_json()
    if not result.consistent or result.stale:
        raise Failed(f"{result.origin or url}: {result.error}", payload)
    if result.previous_size is None:
        said = f"{result.origin}: {result.size:,} entries; first seen now, kept for next time"
    else:
        grew = result.size - result.previous_size
        said = (
            f"{result.origin}: {result.size:,} entries ({grew:,} new), consistent with the "
            f"{result.previous_size:,} seen before"
        )
    return payload, said


COMMANDS = {"monitor": monitor}
