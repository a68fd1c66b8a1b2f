"""The evidence report as a PDF, drawn with fpdf2 in DejaVu Sans (shipped in ``fonts/``, so the
PDF looks the same on every machine and needs no system font).

Corrections show the wrong words struck through in red beside the right ones underlined in
green, each followed by the correction in plain words, which says the same without colour.
"""

import re
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from amends.evidence.report_model import Published, Report, Version, duration, when

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
INK = (27, 27, 27)
GREY = (90, 90, 90)
DELETED = (138, 28, 28)
INSERTED = (11, 107, 43)
BAR = (11, 78, 162)
SIZE = 10
LINE = 5.2  # mm, for SIZE
WORDS = re.compile(r"\n|[^\S\n]+|\S+")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


MISSING = "\ufffd"


def clean(text: str, glyphs: frozenset[int]) -> str:
    """Text as it can be drawn: line ends made ``\\n``, tabs spaces, other controls dropped,
    and each character the font cannot draw shown as \ufffd rather than silently left out."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = CONTROL.sub("", text)
    return "".join(c if c == "\n" or ord(c) in glyphs else MISSING for c in text)


class Document(FPDF):
    def __init__(self, report: Report):
        super().__init__(format="A4", unit="mm")
        self.report = report
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.glyphs = frozenset(self.fonts[FAMILY.lower()].cmap)
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(f"Evidence report: {report.title}")
        reference = report.reference or "no reference stated"
        self.set_subject(f"Amends evidence pack, reference {reference}: {report.title}")
        self.set_author("Amends")
        self.set_creator("Amends")
        self.set_keywords(f"evidence report; {reference}")
        self.set_creation_date(report.produced_at)
        self.set_lang("en-GB")
        # Room for a total of up to six digits: a whole account's report runs to thousands.
        self.alias_nb_pages("{pages}")

    def clean(self, text: str) -> str:
        return clean(text, self.glyphs)

    def width(self, text: str) -> float:
        """The width of cleaned ``text`` in the current font, in mm: what get_string_width()
        says, at a tenth of its cost (it copies the graphics state for every call)."""
        widths = self.current_font.cw
        return sum(widths[ord(c)] for c in text) * self.font_size_pt * 0.001 / self.k

    def header(self):
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*GREY)
        reference = self.report.reference or "no reference stated"
        text = self.clean(f"Amends evidence report \u00b7 {self.report.title} \u00b7 {reference}")
        while self.width(text) > self.epw - 2 * self.c_margin:
            text = text[:-2] + "\u2026"
        self.cell(0, 5, text)
        self.ln(8)
        self.body()

    def footer(self):
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"page {self.page_no()} of {{pages}}", align="C")

    # Building blocks.

    def body(self, style: str = "", colour=INK):
        self.set_font(FAMILY, style, SIZE)
        self.set_text_color(*colour)

    def lines(self, text: str, height: float, *, indent: float = 0):
        """``text`` from the left margin (plus ``indent``), wrapped to the page width. One cell
        when it fits on a line: wrapping is most of the time fpdf2 spends."""
        text = self.clean(text)
        width = self.epw - indent
        self.set_x(self.l_margin + indent)
        if "\n" not in text and self.width(text) <= width - 2 * self.c_margin:
            self.cell(width, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        else:
            self.multi_cell(width, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, level: int):
        size = {1: 17, 2: 13.5, 3: 11.5, 4: 10.5}[level]
        if level == 2 and self.get_y() > self.h * 0.7:
            self.add_page()
        self.ln({1: 0, 2: 5, 3: 3, 4: 2}[level])
        if level in (2, 3):
            self.start_section(self.clean(text), level=level - 2)
        self.set_font(FAMILY, "B", size)
        self.set_text_color(*INK)
        self.lines(text, size * 0.5)
        self.ln(1.5)
        self.body()

    def para(self, text: str, *, colour=INK, style: str = ""):
        self.body(style, colour)
        self.lines(text, LINE)
        self.ln(1)
        self.body()

    def pairs(self, rows: list[tuple[str, str]]):
        """A two-column table: what, then its value."""
        self.table_of(None, [list(row) for row in rows], (32, 68), size=SIZE, line=LINE)

    def grid(self, headings: list[str], rows: list[list[str]], widths: tuple[int, ...]):
        """A table with a heading row, repeated on every page it spans."""
        self.table_of(headings, rows, widths, size=8.5, line=4.4)

    def table_of(self, headings, rows, widths, *, size: float, line: float):
        """Rows of cells with borders, each row kept on one page. Drawn cell by cell rather than
        with fpdf2's tables, which wrap every cell twice: a pack's timeline has thousands."""
        columns = [self.epw * w / sum(widths) for w in widths]
        pad = 1.2
        self.set_draw_color(120, 120, 120)
        self.set_line_width(0.2)

        def wrapped(text: str, width: float, strong: bool) -> int:
            """How many lines ``text`` takes in a column: 0 when it fits on one as it is."""
            self.set_font(FAMILY, "B" if strong else "", size)
            if "\n" not in text and self.width(text) <= width - 2 * pad:
                return 0
            found = self.multi_cell(
                width - 2 * pad, line, text, dry_run=True, output="LINES", padding=0
            )
            return len(found)

        def draw(cells: list[str], bold: list[bool], fill: bool):
            cells = [self.clean(c) for c in cells]
            counts = [wrapped(*cell) for cell in zip(cells, columns, bold, strict=True)]
            tall = max(1, *counts) * line + 2 * pad
            if self.get_y() + tall > self.page_break_trigger:
                self.add_page()
                if headings is not None and not fill:
                    draw(headings, [True] * len(headings), True)
            x, top = self.l_margin, self.get_y()
            self.set_fill_color(240, 240, 240)
            for text, width, strong, count in zip(cells, columns, bold, counts, strict=True):
                self.rect(x, top, width, tall, style="DF" if fill or strong else "D")
                self.set_font(FAMILY, "B" if strong else "", size)
                self.set_text_color(*INK)
                self.set_xy(x + pad, top + pad)
                if count:
                    self.multi_cell(width - 2 * pad, line, text, align="L", padding=0)
                else:
                    self.cell(width - 2 * pad, line, text)
                x += width
            self.set_xy(self.l_margin, top + tall)

        margin, self.c_margin = self.c_margin, 0
        if headings is not None:
            draw(headings, [True] * len(headings), True)
        for cells in rows:
            draw(cells, [headings is None, *[False] * (len(cells) - 1)], False)
        self.c_margin = margin
        self.ln(2)
        self.body()

    def styled(self, kind: str):
        if kind == "delete":
            self.body("S", DELETED)
        elif kind == "insert":
            self.body("U", INSERTED)
        else:
            self.body()

    def flowing(self, parts: list[tuple[str, str]], *, indent: float = 0):
        """One paragraph of ``(text, kind)`` parts, each word drawn in its part's style and
        lines broken at spaces whatever the styles (fpdf2's write() breaks a word where a style
        starts; its text regions wrap the paragraph too slowly for a pack of many corrections).
        Indented, it is quoted wording: a bar runs down its left side."""
        if self.get_y() + LINE > self.page_break_trigger:
            self.add_page()
        page, top = self.page, self.get_y()
        # Aligned with text drawn by cell(), which stands c_margin inside its cell.
        left = self.l_margin + indent + self.c_margin
        right = self.l_margin + self.epw - self.c_margin
        x, y = left, self.get_y()
        run, start = "", x  # words of one style on one line, drawn as one cell

        def flush():
            nonlocal run
            if run:
                self.set_xy(start, y)
                self.cell(x - start, LINE, run)
            run = ""

        def new_line(kind: str):
            nonlocal page, top, x, y, start
            flush()
            if y + 2 * LINE <= self.page_break_trigger:
                y += LINE
            else:
                if indent:
                    self.set_y(y + LINE)
                    self.bar(page, top)
                self.add_page()
                page, top, y = self.page, self.get_y(), self.get_y()
                self.styled(kind)
            x = start = left

        margin, self.c_margin = self.c_margin, 0
        for text, kind in parts:
            self.styled(kind)
            start = x
            for word in WORDS.findall(self.clean(text)):
                if word == "\n":
                    new_line(kind)
                    continue
                width = self.width(word)
                if word.isspace() and (x == left or x + width > right):
                    continue  # no space at the start of a line, nor one that wraps
                if x + width > right and x > left:
                    new_line(kind)
                while x + width > right:  # a word longer than a line: split it
                    cut = len(word) - 1
                    while cut > 1 and x + self.width(word[:cut]) > right:
                        cut -= 1
                    run, x = run + word[:cut], x + self.width(word[:cut])
                    word = word[cut:]
                    width = self.width(word)
                    new_line(kind)
                run, x = run + word, x + width
            flush()
        self.c_margin = margin
        self.set_xy(self.l_margin, y + LINE)
        if indent:
            self.bar(page, top)
        self.body()
        self.ln(1.5)

    def bar(self, page: int, top: float):
        """The bar beside quoted wording, from ``top`` down to here, when on one page."""
        if self.page == page:
            self.set_draw_color(*BAR)
            self.set_line_width(0.8)
            self.line(self.l_margin + 1.5, top + 0.5, self.l_margin + 1.5, self.get_y() - 0.5)

    def wording(self, version: Version):
        """A revision's words, indented: in full, or as a diff against the one before."""
        if version.changes is None:
            page, top = self.page, self.get_y()
            self.lines(version.text or "", LINE, indent=5)
            self.bar(page, top)
            return
        parts, previous = [], None
        for op in version.changes:
            if previous == "delete" and op.kind == "insert":
                parts.append((" ", "equal"))
            parts.append((op.text, op.kind))
            previous = op.kind
        self.flowing(parts, indent=5)

    def versions(self, post: Published):
        for v in post.versions:
            self.heading(f"Revision {v.n}{', as published' if v.n == 1 else ''}", 4)
            said = f"{when(v.at)} by {v.by}"
            if v.n > 1:
                said += f". Reason: {v.reason or 'none given'}"
            self.para(said, colour=GREY)
            if v.text is None:
                if v.state == "destroyed":
                    self.para("Destroyed at the end of its retention.", colour=DELETED)
                else:
                    self.para("Sealed: the wording is not included in this pack.", colour=DELETED)
                continue
            if v.state == "sealed":
                self.para(
                    "Sealed original, included in this pack under reference "
                    f"{self.report.reference}.",
                    colour=DELETED,
                )
            self.wording(v)
            if v.changes is not None:
                self.para(f"In words: {v.in_words}", colour=GREY)

    def post_header(self, post: Published):
        self.heading(f"{post.kind.capitalize()} {post.id} on {post.account}", 3)
        said = f"Published {when(post.at)} by {post.by}"
        if post.in_reply_to:
            said += f", in reply to post {post.in_reply_to}"
        self.para(f"{said}. Status: {post.status}.")
        if post.origin:
            self.para(post.origin)


def _about(doc: Document, report: Report):
    doc.heading("What this report is", 2)
    doc.para(
        f"A reading of the tamper-evident record and the desk about {report.title.lower()}, "
        "made for people. The pack's other files hold the record entries, their proofs and the "
        "signed checkpoint that let anyone check it. This PDF draws text in DejaVu Sans; a "
        "character it cannot draw is shown as \ufffd, and report.html has the exact wording."
    )
    sealed = (
        "included (its access is recorded under the reference above)"
        if report.include_sealed
        else 'not included: shown as "sealed"'
    )
    doc.pairs(
        [
            ("Reference", report.reference or "none stated"),
            ("Purpose", report.purpose or "none stated"),
            ("Produced at", when(report.produced_at)),
            (
                "Anchored to",
                f"the signed checkpoint of size {report.checkpoint_size} "
                f"(record entries 0 to {report.checkpoint_size - 1})",
            ),
            ("Sealed wording", sealed),
        ]
    )


def _legend(doc: Document):
    doc.flowing(
        [
            ("Corrections are shown against the revision before: ", "equal"),
            ("words taken out", "delete"),
            (" are struck through in red, ", "equal"),
            ("words put in", "insert"),
            (" are underlined in green, and each correction is said again in words.", "equal"),
        ]
    )


def _posts(doc: Document, report: Report):
    doc.heading("Posts and their revisions", 2)
    if report.has_corrections:
        _legend(doc)
    for post in report.posts:
        doc.post_header(post)
        doc.versions(post)
    if not report.posts:
        doc.para("No posts.")

    doc.heading("Apologies", 2)
    for post in report.apologies:
        doc.post_header(post)
        doc.versions(post)
        doc.heading("The apology checker's findings", 4)
        said = (
            "As recorded when the apology was published."
            if post.findings_recorded
            else "Checked when this report was made."
        )
        if post.anyway:
            said += " Published despite the checker or the tone guard."
        doc.para(said)
        if post.findings:
            rows = [
                [f.severity, f.code, f.message or "withheld: it quotes the sealed wording"]
                for f in post.findings
            ]
            doc.grid(["Severity", "Finding", "Message"], rows, (16, 20, 64))
        else:
            doc.para("No findings: the apology says sorry, plainly, for something named.")
    if not report.apologies:
        doc.para("No apologies.")

    doc.heading("Replies and the final statement", 2)
    for post in report.responses:
        doc.post_header(post)
        doc.versions(post)
    if not report.responses:
        doc.para("No replies and no final statement.")


def _deletions(doc: Document, report: Report):
    doc.heading("Deletions", 2)
    for d in report.deletions:
        doc.heading(d.heading, 3)
        doc.pairs(d.rows())
    if not report.deletions:
        doc.para("No deletions were requested.")

    doc.heading("Holds", 2)
    rows = [
        [
            h.reference,
            h.subject,
            f"{h.placed_by or 'the system'}, {when(h.placed_at)}",
            f"{h.released_by or 'the system'}, {when(h.released_at)}"
            if h.released_at
            else "still standing",
        ]
        for h in report.holds
    ]
    if rows:
        doc.grid(["Reference", "On", "Placed", "Released"], rows, (28, 16, 28, 28))
    else:
        doc.para("No holds.")


def _record(doc: Document, report: Report):
    doc.heading("Custody", 2)
    doc.para(
        "Every time content was sealed, a sealed original was read, content was destroyed, or "
        "an evidence pack was exported."
    )
    rows = [
        [
            str(e.seq),
            when(e.at),
            e.label,
            e.actor or "the system",
            str(e.data.get("purpose") or e.data.get("reason") or "\u2014"),
            str(e.data.get("reference") or "\u2014"),
        ]
        for e in report.custody
    ]
    if rows:
        widths = (8, 17, 17, 12, 28, 18)
        doc.grid(["Entry", "When", "What", "Who", "Purpose or reason", "Reference"], rows, widths)
    else:
        doc.para("No custody events.")

    doc.heading("Timeline from the record", 2)
    rows = [
        [
            str(e.seq),
            when(e.at),
            e.label,
            e.actor or "the system",
            e.subject or "\u2014",
            e.why or "",
        ]
        for e in report.timeline
    ]
    doc.grid(["Entry", "When", "What", "Who", "About", "Why"], rows, (8, 18, 24, 12, 12, 26))
    if report.later:
        doc.para(
            f"{report.later} later entries about these subjects came after the checkpoint and "
            "are not listed."
        )


def pdf(report: Report) -> bytes:
    doc = Document(report)
    doc.add_page()
    doc.heading(f"Evidence report: {report.title}", 1)
    _about(doc, report)
    doc.heading("The subject", 2)
    doc.pairs(report.subject)
    doc.heading("Time to apology and to correction", 2)
    rows = [[what, duration(a), duration(c)] for what, a, c in report.times]
    doc.grid(["From publishing", "Time to apology", "Time to correction"], rows, (40, 30, 30))
    doc.para(
        "Counted from the moment the post was published to the first apology on the same "
        "channel, and to its first correction.",
        colour=GREY,
    )
    doc.heading("The five steps", 2)
    for episode in report.episodes:
        if len(report.episodes) > 1:
            title = f"Incident {episode.id} ({episode.severity}), post {episode.post}"
            doc.heading(title, 3)
        doc.grid(["Step", "Status"], [list(s) for s in episode.steps], (70, 30))
    if not report.episodes:
        doc.para("This pack covers no incident: the five steps belong to an incident.")
    _posts(doc, report)
    _deletions(doc, report)
    _record(doc, report)
    return bytes(doc.output())
