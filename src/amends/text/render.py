"""Corrections rendered for people: HTML with <del>/<ins>, and plain words for platforms that
cannot strike through. Every piece of user text is escaped."""

import json
from datetime import datetime, tzinfo
from html import escape

from amends.text import when
from amends.text.diff import changes, word_diff

DELETED_LABEL = "deleted text: "
INSERTED_LABEL = "inserted text: "


def correction_html(old: str, new: str) -> str:
    """The new wording with the wrong words struck through beside the right ones.

    Each change carries a visually hidden label so that a screen reader announces it: colour and
    strike-through alone say nothing to someone who cannot see them.
    """
    parts = []
    for op in word_diff(old, new):
        text = escape(op.text)
        if op.kind == "equal":
            parts.append(text)
        elif op.kind == "delete":
            parts.append(f'<del><span class="visually-hidden">{DELETED_LABEL}</span>{text}</del>')
        else:
            parts.append(f'<ins><span class="visually-hidden">{INSERTED_LABEL}</span>{text}</ins>')
    return "".join(parts)


def _quote(text: str) -> str:
    return f"\u201c{text}\u201d"


def plain_correction(old: str, new: str, *, at: datetime, zone: tzinfo, reason: str = "") -> str:
    """A correction in words: "Correction (14:05): “14 May”, not “4 May”. <reason>".

    ``at`` is shown as the clock reads in ``zone`` (the force's own time zone), so the note a
    reader sees agrees with the page, the feed and the platform whatever the season."""
    at = at.astimezone(zone)
    said = []
    for was, now in changes(word_diff(old, new)):
        if was and now:
            said.append(f"{_quote(now)}, not {_quote(was)}")
        elif now:
            said.append(f"added {_quote(now)}")
        elif was:
            said.append(f"removed {_quote(was)}")
    text = f"Correction ({at:%H:%M}): " + ("; ".join(said) if said else "wording corrected")
    text += "."
    reason = reason.strip()
    if reason:
        text += " " + reason if reason.endswith((".", "!", "?")) else f" {reason}."
    return text


def json_ld(data: dict) -> str:
    """JSON for a <script type="application/ld+json"> element that no text can break out of."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def deletion_notice(
    ground_in_words: str, explanation: str, *, at: datetime, zone: tzinfo, language: str = "en"
) -> str:
    """The public notice posted where a deleted post was: why, and when (as the clock reads in
    ``zone``); never the content. In the post's language (``en`` or ``cy``): a Welsh post's
    notice is in Welsh, ``ground_in_words`` too."""
    at = at.astimezone(zone)
    if language == "cy":
        day = f"{at.day} {when.MONTHS['cy'][at.month - 1]} {at.year}"
        text = (
            f"Fe wnaethom ddileu un o'n negeseuon am {at:%H:%M} ar {day} oherwydd "
            f"{ground_in_words}."
        )
    else:
        text = (
            f"We removed one of our posts at {at:%H:%M} on {at:%-d %B %Y} because "
            f"{ground_in_words}."
        )
    explanation = explanation.strip()
    if explanation:
        text += " " + explanation if explanation.endswith((".", "!", "?")) else f" {explanation}."
    return text
