"""The incident review as a PDF (fpdf2, in the evidence report's DejaVu Sans so that it looks
the same everywhere): the facts, the conversation as bars per hour with the team's answers
marked and the same numbers in a table, and every copy with what was done about it."""

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from amends.copies.review import Review, took
from amends.evidence.report_pdf import FAMILY, FONTS, GREY, INK, clean

BAR = (11, 78, 162)
ANSWER = (138, 28, 28)


class _Document(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4", unit="mm")
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.glyphs = frozenset(self.fonts[FAMILY.lower()].cmap)
        self.title_text = title
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(title)
        self.set_author("Amends")
        self.set_creator("Amends")
        self.set_lang("en-GB")

    def footer(self):
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{clean(self.title_text, self.glyphs)} · {self.page_no()}", align="C")

    def heading(self, text: str, size: float = 13):
        self.ln(3)
        self.set_font(FAMILY, "B", size)
        self.set_text_color(*INK)
        self.multi_cell(
            0, size * 0.5, clean(text, self.glyphs), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(1)

    def para(self, text: str, *, size: float = 10):
        self.set_font(FAMILY, "", size)
        self.set_text_color(*INK)
        self.multi_cell(0, 5, clean(text, self.glyphs), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def row(self, cells: list[str], widths: list[float], *, bold: bool = False):
        self.set_font(FAMILY, "B" if bold else "", 8.5)
        self.set_text_color(*INK)
        total = sum(widths)
        for text, width in zip(cells, widths, strict=True):
            self.cell(self.epw * width / total, 5, clean(text, self.glyphs)[:90], border=1)
        self.ln(5)


def pdf(review: Review, zone) -> bytes:
    incident = review.incident
    title = f"Incident {incident.pk} review: {incident.summary}"
    doc = _Document(title)
    doc.add_page()
    doc.heading(title, 16)
    doc.para(
        f"{incident.get_kind_display()}, {incident.get_severity_display()}; "
        f"{'open' if incident.is_open else 'closed'}. "
        f"The post went out {review.made_at.astimezone(zone):%d %B %Y at %H:%M %Z}."
    )
    doc.heading("How fast, and how much")
    for what, value in (
        ("Time to apology", took(review.to_apology)),
        ("Time to correction", took(review.to_correction)),
        ("Time to removal", took(review.to_removal)),
        ("Response budget used", f"{review.used} of {review.budget}"),
        ("What the public said", f"{review.mentions} ({review.handled} handled)"),
        ("Copies found", str(len(review.copies))),
    ):
        doc.row([what, value], [1, 1])
    doc.heading("The conversation")
    doc.para(review.advice)
    _chart(doc, review, zone)
    busy = [h for h in review.hours if h.total]
    if busy:
        doc.row(["Hour", "Replies", "Quotes", "Reposts", "Mentions"], [3, 1, 1, 1, 1], bold=True)
        for h in busy[-48:]:
            doc.row(
                [
                    f"{h.hour.astimezone(zone):%d %b %H:%M}",
                    str(h.replies),
                    str(h.quotes),
                    str(h.reposts),
                    str(h.mentions),
                ],
                [3, 1, 1, 1, 1],
            )
    doc.heading("Copies, and what was done")
    if not review.copies:
        doc.para("No copies were found.")
    else:
        doc.row(
            ["Where", "Found by", "Revision", "Still wrong", "Done"], [5, 1.4, 1, 1.2, 2], bold=True
        )
        for c in review.copies:
            doc.row(
                [c.url, c.found_by, str(c.revision), "yes" if c.shows_error else "no", c.done],
                [5, 1.4, 1, 1.2, 2],
            )
    return bytes(doc.output())


def _chart(doc: _Document, review: Review, zone) -> None:
    """Bars per hour (the last 48 with anything in them drawn to scale), the team's answers as
    red ticks under the hour they came in."""
    hours = review.hours[-48:]
    if not hours or not review.busiest:
        return
    left, top, width, height = doc.l_margin, doc.get_y() + 2, doc.epw, 40
    step = width / len(hours)
    tallest = max(h.total for h in hours) or 1
    doc.set_fill_color(*BAR)
    for n, h in enumerate(hours):
        tall = height * h.total / tallest
        if tall:
            doc.rect(left + n * step + 0.3, top + height - tall, max(step - 0.6, 0.3), tall, "F")
    doc.set_fill_color(*ANSWER)
    first = hours[0].hour
    for answer in review.answers:
        n = int((answer - first).total_seconds() // 3600)
        if 0 <= n < len(hours):
            doc.rect(left + n * step, top + height + 1, max(step, 0.8), 1.5, "F")
    doc.set_y(top + height + 4)
    doc.set_font(FAMILY, "", 7.5)
    doc.set_text_color(*GREY)
    doc.cell(
        0,
        4,
        f"{first.astimezone(zone):%d %b %H:%M} to {hours[-1].hour.astimezone(zone):%d %b %H:%M}; "
        "red marks: the team's answers",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    doc.ln(2)
