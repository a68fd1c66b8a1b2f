"""When to move on: reading the public's activity about an incident hour by hour. Pure.

"Continually responding to posts about an error just means that the issue will carry on." The
signal compares the last complete hour with the busiest one:

- **quiet**: too little activity to read anything into (fewer than ``QUIET`` in the peak hour);
- **rising**: the last hour is the busiest so far, or within a fifth of it and above the hour
  before: people are still arriving, and one clear answer now beats many later;
- **falling**: it has fallen by at least half from its peak: replying now is likely to revive it;
- **revived**: it had fallen by half, and has climbed back above half of its peak after a reply
  from the team: the reply kept the matter alive;
- **steady**: anything else.

Hours are UTC hour starts; counts are what people did (replies, quotes, reposts, mentions).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

QUIET = 5  # fewer than this in the busiest hour: nothing to read
FALLEN = 0.5  # fallen by half from the peak: the conversation is ending on its own
NEAR_PEAK = 0.8


@dataclass(frozen=True)
class Hour:
    hour: datetime
    replies: int = 0
    quotes: int = 0
    reposts: int = 0
    mentions: int = 0

    @property
    def total(self) -> int:
        return self.replies + self.quotes + self.reposts + self.mentions


@dataclass(frozen=True)
class Signal:
    state: str  # quiet, rising, steady, falling or revived
    peak: datetime | None
    fallen_by: float  # 0 to 1: how far the last hour is below the peak
    revived_after: datetime | None = None  # the team's reply it climbed back after


def read(hours: Sequence[Hour], team_replies: Sequence[datetime] = ()) -> Signal:
    """The signal from complete hours in order (the hour still running left out)."""
    if not hours:
        return Signal("quiet", None, 0.0)
    totals = [h.total for h in hours]
    top = max(totals)
    peak_at = totals.index(top)
    peak = hours[peak_at].hour
    if top < QUIET:
        return Signal("quiet", peak, 0.0)
    last = totals[-1]
    fallen_by = round(1 - last / top, 3)
    lowest_since = min(totals[peak_at:])
    dipped = lowest_since <= top * (1 - FALLEN)
    if dipped and last > top * (1 - FALLEN):
        dip_at = peak_at + totals[peak_at:].index(lowest_since)
        reply = next(
            (r for r in sorted(team_replies) if hours[dip_at].hour <= r <= hours[-1].hour), None
        )
        if reply is not None and dip_at < len(hours) - 1:
            return Signal("revived", peak, fallen_by, reply)
    if peak_at == len(hours) - 1 or (
        last >= top * NEAR_PEAK and len(totals) > 1 and last > totals[-2]
    ):
        return Signal("rising", peak, max(fallen_by, 0.0))
    if fallen_by >= FALLEN:
        return Signal("falling", peak, fallen_by)
    return Signal("steady", peak, fallen_by)
