"""How a correction reaches each platform: chosen from the connector's capabilities alone, and
shown to the person before anything is sent. Pure: no database, no network."""

from dataclasses import dataclass
from datetime import datetime, tzinfo

from amends.connectors.base import Connector, Measure
from amends.text.render import correction_html, plain_correction

SITE, EDIT, REPLY, QUOTE = "site", "edit", "reply", "quote"


@dataclass(frozen=True)
class Plan:
    how: str  # site, edit, reply or quote
    text: str  # exactly what will be sent
    measure: Measure
    why: str  # one sentence for the person correcting

    @property
    def fits(self) -> bool:
        return self.measure.fits

    def as_json(self) -> dict:
        """The plan as the command line and the API show it."""
        return {"how": self.how, "text": self.text, "length": str(self.measure), "why": self.why}


def edit_text(
    connector: Connector, old: str, new: str, *, reason: str, at: datetime, zone: tzinfo
) -> str:
    """The corrected post as an edit in place: struck-through words on platforms that show
    markup; the new wording followed by the correction in words everywhere else."""
    note = plain_correction(old, new, at=at, zone=zone, reason=reason)
    if connector.capabilities.markup:
        return f"{correction_html(old, new)}\n\n<p><em>{_escape(note)}</em></p>"
    return f"{new}\n\n{note}"


def editable(
    connector: Connector, *, published_at: datetime | None, edits: int, at: datetime
) -> tuple[bool, str]:
    """Whether the platform lets a post published at ``published_at``, already edited
    ``edits`` times, be edited at ``at``; and if not, why, in words."""
    caps = connector.capabilities
    if not caps.edit:
        return False, f"{connector.label} cannot edit a post"
    window = caps.edit_window
    if window is not None and published_at and at - published_at > window:
        minutes = int(window.total_seconds() // 60)
        return False, f"{connector.label} allows edits only for {minutes} minutes"
    if caps.max_edits is not None and edits >= caps.max_edits:
        return False, f"{connector.label} allows only {caps.max_edits} edits"
    return True, ""


def _escape(text: str) -> str:
    from html import escape

    return escape(text)


def plan_correction(
    connector: Connector,
    *,
    old: str,
    new: str,
    reason: str,
    at: datetime,
    zone: tzinfo,
    published_at: datetime | None = None,
    edits: int = 0,
    as_reply: bool = False,
    as_quote: bool = False,
) -> Plan:
    """Edit in place where the platform allows it now (inside its edit window and edit count);
    otherwise a reply in the post's thread with the correction in words. A person may ask for
    the reply instead of an edit, or, where the platform can quote, for a new post quoting the
    wrong one (seen by all followers, not only by readers of the thread).

    A plan that does not fit says so in ``why``; nothing is ever cut to fit.
    """
    caps, where = connector.capabilities, f"{connector.name}:{connector.handle}"
    if connector.local:
        html = correction_html(old, new)
        return Plan(SITE, html, connector.measure(new), "shown on the public site in place")
    can_edit, because = editable(connector, published_at=published_at, edits=edits, at=at)
    if as_quote and caps.quote:
        text = plain_correction(old, new, at=at, zone=zone, reason=reason)
        measure = connector.measure(text)
        if measure.fits:
            return Plan(QUOTE, text, measure, f"sent as a new post quoting the post on {where}")
        return Plan(
            QUOTE,
            text,
            measure,
            f"the correction in words is {measure} on {where}; shorten the reason or the change",
        )
    if can_edit and not as_reply and not as_quote:
        text = edit_text(connector, old, new, reason=reason, at=at, zone=zone)
        measure = connector.measure(text)
        if measure.fits:
            return Plan(EDIT, text, measure, f"edited in place on {where}, with a correction note")
        return Plan(
            EDIT,
            text,
            measure,
            f"the corrected post with its note is {measure} on {where}; shorten it, or send "
            "the correction as a reply instead",
        )
    text = plain_correction(old, new, at=at, zone=zone, reason=reason)
    measure = connector.measure(text)
    why = "you asked for a reply" if as_reply and can_edit else because
    if as_quote:
        why = f"{connector.label} cannot quote a post"
    if measure.fits:
        said = f"sent as a reply in the post's thread on {where} ({why})"
        return Plan(REPLY, text, measure, said)
    return Plan(
        REPLY,
        text,
        measure,
        f"the correction in words is {measure} on {where}; shorten the reason or the change",
    )
