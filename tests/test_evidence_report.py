"""The human report in an evidence pack: report.html and report.pdf, about a real incident.

The PDF is opened with Poppler (pdfinfo, pdftotext, pdftoppm from poppler-utils, installed by
scripts/pdf-tools): in CI a missing Poppler fails these tests, never skips them.

``AMENDS_SCREENSHOTS=docs/images`` makes the picture test write docs/images/evidence-report.png
(page 2 of a sample incident's report, rendered by pdftoppm).
"""

import json
import os
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from markupsafe import escape

from amends.actions import (
    Apologise,
    ApproveDeletion,
    CloseIncident,
    Correct,
    ExportPack,
    OpenIncident,
    PlaceHold,
    Publish,
    RejectDeletion,
    RemoveNow,
    Reply,
    RequestDeletion,
    ReviewRemoval,
    Unseal,
)
from amends.desk.models import Post, Revision
from amends.evidence import pack, report
from amends.evidence.subjects import gather
from amends.record import api as record

ROOT = Path(__file__).resolve().parent.parent
PRODUCED = datetime(2025, 5, 14, 16, 30, tzinfo=UTC)
XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'

ORIGINAL = (
    "Appeal: Sam Reid, 67, was last seen on Tuesday near the Old Bridge in Ashford. "
    "Call 101 quoting log 4417."
)
FIXED = (
    "Appeal: Sam Reid, 67, was last seen on Wednesday near the Old Bridge in Ashford. "
    "Call 101 quoting log 4471."
)
REASON = "The sighting was on Wednesday, and the log number was mistyped."
APOLOGY = (
    "Sorry: we gave the wrong day and the wrong log number in our appeal for Sam Reid. "
    "It is now corrected."
)
RUDE = "Honestly, if people kept an eye on their relatives we would not need appeals."
STATEMENT = "Sam Reid has been found safe and well. Thank you for sharing our appeal."
PURPOSE = "Complaint about the appeal's wording"
REFERENCE = "PSD/2025/0173"


def pdf_tools() -> bool:
    """Poppler's tools, installed by scripts/pdf-tools where missing (as root)."""
    if shutil.which("pdftoppm") is None:
        subprocess.run([str(ROOT / "scripts" / "pdf-tools")], check=False, capture_output=True)
    if shutil.which("pdftoppm") and shutil.which("pdftotext") and shutil.which("pdfinfo"):
        return True
    if os.environ.get("CI") == "true":
        pytest.fail("CI needs poppler-utils (pdftoppm, pdftotext, pdfinfo): run scripts/pdf-tools")
    pytest.skip("poppler-utils is not installed: run scripts/pdf-tools as root")


def incident_story(people, *, xss: str = "") -> dict:
    """A serious incident taken through the five steps by the personas, with a sealed reply."""
    post = Publish(people.alice, account="house:news", text=ORIGINAL + xss).run()
    # Published an hour and a quarter before the apology.
    earlier = datetime.now(UTC) - timedelta(minutes=75)
    Post.objects.filter(pk=post.pk).update(created_at=earlier)
    Revision.objects.filter(post=post, n=1).update(created_at=earlier)
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="serious",
        summary="Wrong day and log number in a missing person appeal" + xss,
        rationale="The appeal gave the wrong day; people were misled." + xss,
    ).run()
    Correct(people.alice, post=post.pk, text=FIXED + xss, reason=REASON + xss).run()
    Apologise(people.alice, post=post.pk, text=APOLOGY + xss).run()
    rude = Reply(people.andy, post=post.pk, text=RUDE + xss).run()
    deletion = RequestDeletion(
        people.andy,
        post=rude.pk,
        ground="offensive",
        explanation="A reply blamed families of missing people." + xss,
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="It blames the family." + xss).run()
    PlaceHold(people.fiona, post=post.pk, reference=REFERENCE + xss).run()
    Unseal(people.fiona, post=rude.pk, purpose=PURPOSE + xss, reference=REFERENCE + xss).run()
    CloseIncident(
        people.sally,
        incident=incident.pk,
        statement=STATEMENT + xss,
        rationale="Closed in the test.",
    ).run()
    return {"post": post, "incident": incident, "rude": rude, "deletion": deletion}


def drawn(subjects, gathered=None):
    """The report drawn as an export draws it: from what the export gathered and recorded."""
    if gathered is None:
        with transaction.atomic():
            gathered = pack.record_export(subjects, actor="fiona")
    return report.render(
        subjects,
        produced_at=PRODUCED,
        checkpoint_size=record.size(),
        entries={seq: e.leaf for seq, e in gathered.entries.items()},
        contents={
            seq: (state, gathered.bodies[seq][1] if seq in gathered.bodies else None)
            for seq, state in gathered.states.items()
        },
    )


def render(incident, *, include_sealed=False, reference=REFERENCE, purpose=PURPOSE, kind=None):
    subjects = gather(
        kind or "incident",
        incident.pk,
        include_sealed=include_sealed,
        purpose=purpose,
        reference=reference,
    )
    return drawn(subjects)


# The HTML.


def test_the_html_report_has_every_section_and_shows_the_correction_as_a_diff(people):
    story = incident_story(people)
    html, _ = render(story["incident"])
    assert html.startswith("<!doctype html>")
    assert '<html lang="en-GB">' in html
    for heading in [
        "What this report is",
        "The subject",
        "Time to apology and to correction",
        "The five steps",
        "Posts and their revisions",
        "Apologies",
        "Replies and the final statement",
        "Deletions",
        "Holds",
        "Custody",
        "Timeline from the record",
    ]:
        assert re.search(rf"<h2 id=\"\w+\">{re.escape(heading)}</h2>", html), heading
    # Revision 1 as published, revision 2 as a diff with labels a screen reader announces.
    assert f'<p class="wording">{ORIGINAL}</p>' in html
    assert (
        '<del><span class="visually-hidden">deleted text: </span>Tuesday</del>'
        '<ins><span class="visually-hidden">inserted text: </span>Wednesday</ins>'
    ) in html
    assert '<del><span class="visually-hidden">deleted text: </span>4417</del>' in html
    assert "\u201cWednesday\u201d, not \u201cTuesday\u201d" in html
    assert REASON in html
    # The subject, the steps and the times.
    assert '<th scope="row">Severity</th><td>serious</td>' in html
    assert "Wrong day and log number in a missing person appeal" in html
    assert re.search(
        rf'<th scope="row">Incident {story["incident"].pk} \(post {story["post"].pk}\)</th>'
        r"<td>1 hour 15 minutes</td><td>1 hour 1[45] minutes</td>",
        html,
    )
    assert "<tr><td>Apologise</td><td>done</td></tr>" in html
    assert "<tr><td>Move on</td><td>done</td></tr>" in html
    # The deletion: ground in plain words, requester and approver.
    assert "Because it was offensive (offensive)" in html
    assert re.search(r"Requested by</th><td>andy, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", html)
    assert re.search(r"Approved by</th><td>sam, \d{4}-\d\d-\d\d", html)
    assert "It blames the family." in html
    # The apology checker found nothing to say; the final statement is there.
    assert APOLOGY in html
    assert "No findings: the apology says sorry" in html
    assert STATEMENT in html
    # The hold, the custody of the sealed reply, the timeline.
    assert f"<td>{REFERENCE}</td><td>post:{story['post'].pk}</td><td>fiona, " in html
    assert re.search(
        rf"<td>Sealed content accessed</td><td>fiona</td><td>{re.escape(escape(PURPOSE))}</td>"
        rf"<td>{re.escape(REFERENCE)}</td>",
        html,
    )
    assert "Incident closed <code>incident.closed</code>" in html
    assert f"the signed checkpoint of size {record.size()}" in html


def test_every_decision_shows_its_rationale_in_the_timeline(people):
    story = incident_story(people)
    html, _ = render(story["incident"])
    rows = re.findall(r"<tr><td>\d+</td>.*?</tr>", html)
    opened = next(r for r in rows if "incident.opened" in r)
    assert "The appeal gave the wrong day; people were misled." in opened
    approved = next(r for r in rows if "deletion.approved" in r)
    assert "It blames the family." in approved


def test_an_urgent_removal_and_its_review_are_in_the_report(people):
    post = Publish(people.alice, account="house:news", text="It named a witness.").run()
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="harmful",
        severity="critical",
        summary="A witness named",
        rationale="Live trial.",
    ).run()
    removed = RemoveNow(
        people.sam,
        post=post.pk,
        ground="identified_person",
        explanation="It identified a witness.",
        rationale="The trial starts on Monday.",
    ).run()
    ReviewRemoval(
        people.sally, deletion=removed.pk, verdict="disagree", rationale="A redaction was enough."
    ).run()
    html, pdf = render(incident)
    assert f"Deletion {removed.pk} of post {post.pk}: removed at once" in html
    assert '<th scope="row">Their rationale</th><td>The trial starts on Monday.</td>' in html
    assert "sally" in html
    assert "disagreed" in html
    assert "A redaction was enough." in html
    assert pdf.startswith(b"%PDF")


def test_the_html_report_is_self_contained(people):
    html, _ = render(incident_story(people)["incident"])
    assert "<script" not in html
    assert not re.search(r"""(src|href)=|url\(|@import""", html)
    assert 'scope="col"' in html
    assert 'scope="row"' in html


def test_every_piece_of_user_text_is_escaped(people):
    story = incident_story(people, xss=XSS)
    html, pdf = render(story["incident"], include_sealed=True, reference=REFERENCE + XSS)
    assert "<script" not in html
    assert "<img" not in html
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(2)&gt;"
    # Post, correction reason, apology, sealed reply, summary, explanation, decision reason,
    # hold reference, purpose, statement: each appears, escaped.
    assert html.count(escaped) >= 10
    assert pdf.startswith(b"%PDF-")


def test_sealed_wording_is_shown_only_when_the_pack_includes_it(people):
    story = incident_story(people)
    html, pdf = render(story["incident"])
    assert "not need appeals" not in html
    assert "Sealed: the wording is not included in this pack." in html
    assert b"not need appeals" not in pdf

    html, _ = render(story["incident"], include_sealed=True)
    assert RUDE in html
    assert f"Sealed original, included in this pack under reference {REFERENCE}." in html


def test_the_report_shows_sealed_wording_only_as_the_export_opened_and_recorded_it(people):
    """The report opens nothing itself: sealed wording reaches it only through the export,
    whose content.accessed entry names the pack's reference."""
    story = incident_story(people)
    rude = Revision.objects.get(post=story["rude"], n=1).seq
    html, _ = render(story["incident"], include_sealed=True, reference="CO/1")
    assert RUDE in html
    (accessed,) = [
        json.loads(e.leaf)["data"]
        for e in record.entries_about(f"post:{story['rude'].pk}")
        if e.kind == "content.accessed" and json.loads(e.leaf)["data"].get("export")
    ]
    assert accessed["reference"] == "CO/1"
    assert rude in accessed["entries"]

    subjects = gather("incident", story["incident"].pk, purpose=PURPOSE, reference=REFERENCE)
    html, _ = report.render(
        subjects,
        produced_at=PRODUCED,
        checkpoint_size=record.size(),
        entries={e.seq: e.leaf for e in record.entries_about(f"post:{story['rude'].pk}")},
        contents={rude: ("withheld", None)},
    )
    assert RUDE not in html


def test_only_the_record_holds_the_sealing_key():
    """One door to sealed content: nothing outside the record opens it."""
    src = Path(report.__file__).resolve().parent.parent
    readers = [
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if "open_sealed(" in path.read_text(encoding="utf-8")
        or "sealing_store()" in path.read_text(encoding="utf-8")
    ]
    assert sorted(readers) == [
        "record/content.py",
        "record/keys.py",
        "record/sealing.py",
        "record/verify.py",
    ]


@pytest.mark.browser
def test_the_html_report_has_no_serious_accessibility_problem(people):
    html, _ = render(incident_story(people)["incident"], include_sealed=True)
    from axe_playwright_python.sync_playwright import Axe

    from tests.support.browser import chromium

    # Playwright runs an event loop in this thread: the database work is done before it starts.
    with chromium() as browser:
        page = browser.new_page()
        page.set_content(html)
        problems = [
            f"{v['id']} ({v['help']})"
            for v in Axe().run(page).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        spoken = page.locator("main").inner_text().replace("\n", " ")
    assert problems == []
    assert "deleted text: Tuesday" in spoken
    assert "inserted text: Wednesday" in spoken


def test_a_post_pack_has_its_own_times_and_no_steps(people):
    story = incident_story(people)
    html, _ = render(story["post"], kind="post")
    assert "<h1>Evidence report: Post" in html
    assert re.search(
        rf'<th scope="row">Post {story["post"].pk}</th><td>1 hour 15 minutes</td>', html
    )
    assert "This pack covers no incident: the five steps belong to an incident." in html
    assert f'<th scope="row">Incidents</th><td>{story["incident"].pk} (serious)</td>' in html


def test_an_account_pack_shows_every_incident_on_the_account(people):
    story = incident_story(people)
    other = Publish(people.andy, account="house:news", text="Road closed on the A28.").run()
    second = OpenIncident(
        people.andy,
        post=other.pk,
        kind="fact",
        severity="minor",
        summary="Wrong road",
        rationale="Opened for the test.",
    ).run()
    subjects = gather("account", "house:news", purpose=PURPOSE, reference=REFERENCE)
    html, pdf = drawn(subjects)
    assert "<h1>Evidence report: Account house:news</h1>" in html
    assert '<th scope="row">Incidents</th><td>2 (1 open)</td>' in html
    for incident in (story["incident"], second):
        assert f"Incident {incident.pk} (post {incident.post_id})</th>" in html
    assert f"<h3>Incident {second.pk} (minor), post {other.pk}</h3>" in html
    assert pdf.startswith(b"%PDF-")


def test_the_exported_pack_carries_the_report_with_its_own_export(people, tmp_path):
    story = incident_story(people)
    done = ExportPack(
        people.fiona,
        purpose="Reply to the complaint",
        reference="PSD/2025/0199",
        output=tmp_path / "pack.zip",
        incident=story["incident"].pk,
    ).run()
    with zipfile.ZipFile(done.path) as z:
        files = {i.filename.split("/", 1)[1]: z.read(i) for i in z.infolist()}
    html = files["data/report.html"].decode("utf-8")
    assert files["data/report.pdf"].startswith(b"%PDF-")
    # The export opened the sealed reply and recorded it: the report shows both.
    assert RUDE in html
    assert "<td>Evidence pack exported</td><td>fiona</td><td>Reply to the complaint</td>" in html
    assert f"the signed checkpoint of size {done.checkpoint}" in html
    assert f"<tr><td>{done.export}</td>" in html


def test_the_apology_checker_findings_are_shown_as_recorded(people):
    post = Publish(people.alice, account="house:news", text=ORIGINAL).run()
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Wrong day",
        rationale="Opened for the test.",
    ).run()
    Apologise(
        people.alice,
        post=post.pk,
        text="Sorry if anyone was upset by the post.",
        anyway=True,
        override_reason="Overridden in the test.",
    ).run()
    html, _ = render(incident)
    assert "As recorded when the apology was published." in html
    assert "Published despite the checker or the tone guard." in html
    assert '<td class="error">error</td><td><code>conditional</code></td>' in html
    assert "<code>not_specific</code>" in html
    assert "</th><td>0 seconds</td><td>not yet</td></tr>" in html


def test_a_rejected_and_a_pending_deletion_say_who_decided_and_what_waits(people):
    post = Publish(people.alice, account="house:news", text=ORIGINAL).run()
    asked = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="prejudicial",
        explanation="Names a witness.",
        rationale="Asked for in the test.",
    ).run()
    RejectDeletion(people.sally, deletion=asked.pk, rationale="Correct it instead.").run()
    RequestDeletion(
        people.andy,
        post=post.pk,
        ground="illegal",
        explanation="Unlawful.",
        rationale="Asked for in the test.",
    ).run()
    html, pdf = render(post, kind="post")
    assert "could have prejudiced an investigation or court proceedings" in html
    assert re.search(r"Rejected by</th><td>sally, \d{4}", html)
    assert "Correct it instead." in html
    assert "Because its content was unlawful to publish" in html
    assert "<td>awaiting a second person</td>" in html
    assert pdf.startswith(b"%PDF-")


def test_durations_read_as_words():
    assert report.duration(None) == "not yet"
    assert report.duration(0) == "0 seconds"
    assert report.duration(61) == "1 minute 1 second"
    assert report.duration(4500) == "1 hour 15 minutes"
    assert report.duration(90061) == "1 day 1 hour"


# The PDF.


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE).group(1))


def test_the_pdf_opens_and_pdftoppm_renders_every_page(people, tmp_path):
    pdf_tools()
    _, pdf = render(incident_story(people)["incident"])
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    count = pages(path)
    assert count >= 2
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(tmp_path / "page")], check=True)
    rendered = sorted(tmp_path.glob("page-*.png"))
    assert len(rendered) == count
    assert all(p.stat().st_size > 1000 for p in rendered)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"^Title:\s+Evidence report: Incident \d+$", info, re.MULTILINE)
    assert f"reference {REFERENCE}" in info
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    assert f"page 1 of {count}" in text.stdout
    assert f"page {count} of {count}" in text.stdout
    assert "Because it was offensive (offensive)" in text.stdout
    assert "1 hour 15 minutes" in text.stdout


def test_the_pdf_is_the_same_bytes_for_the_same_pack(people):
    incident = incident_story(people)["incident"]
    subjects = gather("incident", incident.pk, purpose=PURPOSE, reference=REFERENCE)
    with transaction.atomic():
        gathered = pack.record_export(subjects, actor="fiona")
    assert drawn(subjects, gathered)[1] == drawn(subjects, gathered)[1]


WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
DPI = 150


def gray_page(pdf: Path, page: int, folder: Path) -> tuple[int, int, bytes]:
    """Page ``page`` rendered by pdftoppm as 8-bit grey (PGM): width, height, pixels."""
    stem = folder / f"grey{page}"
    options = f"-r {DPI} -gray -f {page} -l {page} -singlefile".split()
    subprocess.run(["pdftoppm", *options, pdf, stem], check=True)
    data = stem.with_suffix(".pgm").read_bytes()
    width, height, depth, pixels = re.match(
        rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s(.*)", data, re.S
    ).groups()
    assert int(depth) == 255
    assert len(pixels) == int(width) * int(height)
    return int(width), int(height), pixels


def struck_through(image, box) -> bool:
    """Whether one row of dark pixels runs across the whole word in the middle band of its box
    (where a strike-through is drawn: above the underline, below the top of the letters).
    Letters alone leave gaps between them; only a line drawn through the word fills a row."""
    width, _, pixels = image
    x0, y0, x1, y1 = (v * DPI / 72 for v in box)
    columns = range(round(x0) + 1, round(x1) - 1)
    band = range(round(y0 + 0.40 * (y1 - y0)), round(y0 + 0.72 * (y1 - y0)) + 1)
    best = 0.0
    for y in band:
        dark = sum(1 for x in columns if pixels[y * width + x] < 200)
        best = max(best, dark / len(columns))
    return best >= 0.95


def test_the_pdf_strikes_through_the_deleted_words(people, tmp_path):
    pdf_tools()
    _, pdf = render(incident_story(people)["incident"])
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = {"Tuesday": [], "Wednesday": [], "4417": [], "4417.": []}
    for number, page in enumerate(bbox.split("<page ")[1:], start=1):
        image = None
        for *box, word in WORD.findall(page):
            if word in found:
                image = image or gray_page(path, number, tmp_path)
                found[word].append(struck_through(image, [float(v) for v in box]))
    # "Tuesday" is plain in revision 1 as published, and struck through in revision 2's diff;
    # "Wednesday" is put in (underlined), never struck through.
    assert sorted(found["Tuesday"]) == [False, True]
    assert found["4417"] == [True]
    assert found["4417."] == [False]
    assert found["Wednesday"] == [False]


# The picture in the README.


def test_a_sample_page_for_the_readme(people, tmp_path):
    """Writes docs/images/evidence-report.png when AMENDS_SCREENSHOTS names a folder."""
    pdf_tools()
    story = incident_story(people)
    _, pdf = render(story["incident"])
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    stem = tmp_path / "sample"
    subprocess.run(
        ["pdftoppm", "-r", "80", "-png", "-f", "2", "-l", "2", "-singlefile", str(path), str(stem)],
        check=True,
    )
    picture = stem.with_suffix(".png")
    assert picture.stat().st_size > 10_000
    folder = os.environ.get("AMENDS_SCREENSHOTS")
    if folder:
        shutil.copyfile(picture, Path(folder) / "evidence-report.png")
