"""The incident page's conversation chart: the public's activity per hour as an SVG bar chart
(a picture with its own words: title and description), the team's answers marked under their
hours; the numbers themselves are in a table beside it (the template), which is what a screen
reader reads. No script: it is drawn on the server."""

from datetime import datetime

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from amends.text.conversation import Hour

WIDTH, HEIGHT, BASE = 600, 176, 140
SHOWN = 72  # hours: three days, the life of almost any incident


def chart(
    hours: list[Hour],
    answers: list[datetime],
    zone,
    *,
    apology: datetime | None = None,
    correction: datetime | None = None,
) -> SafeString:
    """The chart; ``apology`` and ``correction``: when the first of each came, drawn as a
    labelled line across the bars of that hour."""
    shown = hours[-SHOWN:]
    if not shown:
        return SafeString("")
    top = max(max(h.total for h in shown), 1)
    step = WIDTH / len(shown)
    answered = {a.astimezone(zone).replace(minute=0, second=0, microsecond=0) for a in answers}

    def number(value: float) -> str:
        return f"{value:.1f}"

    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="bar"></rect>',
        (
            (
                number(n * step + 1),
                number(BASE - (h.total / top) * (BASE - 10)),
                number(max(step - 2, 1)),
                number((h.total / top) * (BASE - 10)),
            )
            for n, h in enumerate(shown)
        ),
    )
    marks = format_html_join(
        "",
        '<path d="M{} {} l6 10 h-12 z" class="answer"></path>',
        (
            (number(n * step + step / 2), BASE + 4)
            for n, h in enumerate(shown)
            if h.hour.astimezone(zone) in answered
        ),
    )
    index = {h.hour: n for n, h in enumerate(shown)}
    events = []
    for moment, label, shift in (
        (apology, gettext("Apology"), 16),
        (correction, gettext("Correction"), 34),
    ):
        if moment is None:
            continue
        n = index.get(
            moment.astimezone(shown[0].hour.tzinfo).replace(minute=0, second=0, microsecond=0)
        )
        if n is not None:
            x = n * step + step / 2
            anchor = "end" if x > WIDTH * 0.75 else "start"
            events.append(
                (number(x), BASE, number(x + (-4 if anchor == "end" else 4)), shift, anchor, label)
            )
    lines = format_html_join(
        "",
        '<line x1="{0}" y1="8" x2="{0}" y2="{1}" class="event"></line>'
        '<text x="{2}" y="{3}" class="event" text-anchor="{4}">{5}</text>',
        events,
    )
    every = max(1, -(-len(shown) // 6))  # at most six hours named under the bars
    ticks = format_html_join(
        "",
        '<text x="{}" y="172" class="tick">{}</text>',
        (
            (number(n * step + step / 2), h.hour.astimezone(zone).strftime("%H:%M"))
            for n, h in enumerate(shown)
            if n % every == 0
        ),
    )
    first, last = shown[0].hour.astimezone(zone), shown[-1].hour.astimezone(zone)
    peak = max(shown, key=lambda h: h.total)
    description = gettext(
        "Bars: what the public did about this incident, each hour from %(first)s to %(last)s. "
        "The busiest hour was %(peak)s, with %(count)s. Triangles: the hours the team answered."
    ) % {
        "first": first.strftime("%H:%M %d/%m"),
        "last": last.strftime("%H:%M %d/%m"),
        "peak": peak.hour.astimezone(zone).strftime("%H:%M %d/%m"),
        "count": peak.total,
    }
    said = {"apology": apology, "correction": correction}
    for key, text in (
        ("apology", gettext("The apology came at %(at)s.")),
        ("correction", gettext("The correction came at %(at)s.")),
    ):
        if said[key] is not None:
            description += " " + text % {"at": said[key].astimezone(zone).strftime("%H:%M %d/%m")}
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="chart-title '
        'chart-desc"><title id="chart-title">{}</title><desc id="chart-desc">{}</desc>'
        '<line x1="0" y1="{}" x2="{}" y2="{}" class="axis"></line>{}{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        gettext("The conversation, hour by hour"),
        description,
        BASE,
        WIDTH,
        BASE,
        bars,
        lines,
        marks,
        ticks,
    )
