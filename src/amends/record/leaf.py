"""An entry's leaf, read: the one parsed shape of what the record holds about an event.

A leaf is canonical JSON (see :func:`amends.record.log.leaf_bytes`); everything outside
``record/`` that needs to know who did what, when, reads it through :class:`Leaf` rather than
picking keys out of the JSON by hand.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

from amends.record import kinds


@dataclass(frozen=True)
class Leaf:
    """One recorded event. ``time`` is the exact recorded string (RFC 3339, UTC, microseconds);
    ``at`` the same moment as a datetime. ``content`` is the commitment to the entry's content
    (``sha256:…``), or None."""

    seq: int
    kind: str
    time: str
    actor: str | None
    subject: str | None
    prev: int | None
    content: str | None
    data: dict = field(default_factory=dict)

    @classmethod
    def parse(cls, leaf: bytes) -> "Leaf":
        parsed = json.loads(leaf)
        return cls(
            seq=parsed["seq"],
            kind=parsed["kind"],
            time=parsed["time"],
            actor=parsed["actor"],
            subject=parsed["subject"],
            prev=parsed["prev"],
            content=parsed["content"],
            data=parsed["data"],
        )

    @property
    def at(self) -> datetime:
        return datetime.fromisoformat(self.time)

    @property
    def stamp(self) -> str:
        """The time to whole seconds (``2026-05-04T14:02:09Z``), for HTML ``datetime``."""
        return self.at.strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def label(self) -> str:
        return kinds.label(self.kind)

    @property
    def why(self) -> str | None:
        """The rationale recorded with a decision, an override's reason, and the steps an
        incident closed without (each with why it was not needed); None for other events."""
        if self.kind in kinds.AUDITORS_ONLY:
            return None
        data = self.data
        parts = [data.get("rationale") or ""]
        if self.kind in ("deletion.rejected", "deletion.withdrawn"):
            parts.append(data.get("reason") or "")
        if data.get("override"):
            parts.append(f"checker overridden: {data['override']}")
        for step, reason in sorted((data.get("not_needed") or {}).items()):
            parts.append(f"{step} not needed: {reason}")
        return "; ".join(p for p in parts if isinstance(p, str) and p) or None

    def as_event(self) -> dict:
        """The event as the desk, the CLI and the API list it in a timeline."""
        return {
            "seq": self.seq,
            "kind": self.kind,
            "label": self.label,
            "at": self.time,
            "by": self.actor,
            "subject": self.subject,
            "why": self.why,
        }
