"""Times as people read them, and as machines do. Pure: the zone is an argument.

People read one form everywhere, in the style of GOV.UK: ``3 December 2026 at 6:49pm GMT``
(``7pm`` on the hour, ``midnight`` and ``midday``), in the force's configured zone, named by its
abbreviation so that GMT and BST are never confused. Machines read HTML's ``datetime``: UTC to
the second (``2026-12-03T18:49:00Z``), a form the HTML standard accepts, where six fraction
digits are not.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

# Welsh: the months, "am" for "at", "yb" and "yh" (y bore, yr hwyr) for am and pm.
MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "cy": [
        "Ionawr",
        "Chwefror",
        "Mawrth",
        "Ebrill",
        "Mai",
        "Mehefin",
        "Gorffennaf",
        "Awst",
        "Medi",
        "Hydref",
        "Tachwedd",
        "Rhagfyr",
    ],
}
WORDS = {
    "en": {"at": "at", "midnight": "midnight", "midday": "midday", "am": "am", "pm": "pm"},
    "cy": {"at": "am", "midnight": "hanner nos", "midday": "hanner dydd", "am": "yb", "pm": "yh"},
}


def clock(moment: datetime, language: str = "en") -> str:
    """``6:49pm``, ``7pm``, ``midnight``, ``midday`` (the moment's own wall-clock time); in
    Welsh ``6:49yh``, ``7yh``, ``hanner nos``, ``hanner dydd``."""
    words = WORDS[language]
    if (moment.hour, moment.minute) == (0, 0):
        return words["midnight"]
    if (moment.hour, moment.minute) == (12, 0):
        return words["midday"]
    hour = moment.hour % 12 or 12
    half = words["am"] if moment.hour < 12 else words["pm"]
    return f"{hour}{half}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{half}"


def said(moment: datetime, zone: tzinfo, language: str = "en") -> str:
    """``3 December 2026 at 6:49pm GMT`` (Welsh: ``3 Rhagfyr 2026 am 6:49yh GMT``): the moment
    in ``zone``, as people read it."""
    local = moment.astimezone(zone)
    name = local.tzname() or ""
    month = MONTHS[language][local.month - 1]
    at = WORDS[language]["at"]
    return f"{local.day} {month} {local.year} {at} {clock(local, language)}" + (
        f" {name}" if name else ""
    )


def machine(moment: datetime) -> str:
    """The moment for HTML's ``datetime`` attribute: UTC, to the second."""
    u = moment.astimezone(UTC)
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"
