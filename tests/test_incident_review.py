"""The incident review for the weekly meeting: time to apology and correction, the budget used,
the conversation's curve with the team's answers, and every copy with what was done about it —
on the desk (a page that reads without JavaScript), as a PDF (read back with Poppler), and from
`amends incident review`."""

import json
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from amends.actions import Apologise, Correct, NotifyCopy, OpenIncident, Publish, RecordCopy
from amends.copies.models import Mention
from amends.desk.models import Post, Revision
from tests.support.cli import run
from tests.test_evidence_report import pdf_tools

WRONG = "Officers are looking for a red Ford Focus seen on Heol y Castell at 9pm."
RIGHT = "Officers are looking for a grey Vauxhall Astra seen on Heol y Castell at 9pm."


@pytest.fixture
def incident(people):
    post = Publish(people.alice, account="house:news", text=WRONG).run()
    earlier = datetime.now(UTC) - timedelta(hours=6, minutes=10)
    Post.objects.filter(pk=post.pk).update(created_at=earlier)
    Revision.objects.filter(post=post, n=1).update(created_at=earlier)
    opened = OpenIncident(
        people.sam,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Wrong car in an appeal",
        rationale="The car described was the wrong one.",
    ).run()
    Apologise(people.alice, post=post.pk, text="Sorry: we described the wrong car.").run()
    Correct(people.alice, post=post.pk, text=RIGHT, reason="The wrong car").run()
    start = earlier.replace(minute=0, second=0, microsecond=0)
    for hour, total in enumerate((3, 40, 22, 9, 4)):
        for n in range(total):
            Mention.objects.create(
                post_id=post.pk,
                kind=("reply", "quote", "repost", "mention")[n % 4],
                url=f"https://social.example/{hour}/{n}",
                at=start + timedelta(hours=hour, minutes=n % 60),
                found_at=start,
                handled_at=start if n < 2 else None,
            )
    forum = RecordCopy(
        people.alice, post=post.pk, url="https://forum.example/t/77", found_by="text", revision=1
    ).run()
    NotifyCopy(people.alice, copy=forum.pk).run()
    RecordCopy(
        people.alice,
        post=post.pk,
        url="https://web.archive.org/web/20261204/x",
        found_by="archive",
        revision=1,
    ).run()
    return opened


def test_the_review_page_says_how_fast_how_much_and_what_was_done(people, incident, client):
    client.force_login(people.sam)
    page = client.get(f"/desk/incidents/{incident.pk}/review/").content.decode()
    assert f"Review of incident {incident.pk}" in page
    assert "Time to apology</dt><dd>6 h 10 min</dd>" in page
    assert "Time to correction</dt><dd>6 h 10 min</dd>" in page
    assert "Time to removal</dt><dd>not done</dd>" in page
    assert "Response budget used</dt><dd>3 of" in page  # apology, correction, a copy told
    assert "What the public said</dt><dd>78 (10 handled)</dd>" in page
    assert "told with a Webmention" in page
    assert "left alone: nothing to tell" in page
    assert '<figure class="chart">' in page
    assert "Activity peaked at" in page
    incident_page = client.get(f"/desk/incidents/{incident.pk}/").content.decode()
    assert f'href="/desk/incidents/{incident.pk}/review/"' in incident_page


def test_the_review_as_a_pdf_reads_the_same(people, incident, client, tmp_path):
    pdf_tools()
    client.force_login(people.sam)
    answer = client.get(f"/desk/incidents/{incident.pk}/review/?format=pdf")
    assert answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF-")
    (tmp_path / "review.pdf").write_bytes(answer.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "review.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"Incident {incident.pk} review: Wrong car in an appeal" in text
    assert "Time to apology" in text
    assert "6 h 10 min" in text
    assert "https://forum.example/t/77" in text
    assert "told with a Webmention" in text


def test_the_command_line_gives_the_review_and_writes_the_pdf(incident, tmp_path):
    result = run("incident", "review", incident.pk, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["time_to_apology"] == pytest.approx(6 * 3600 + 600, abs=120)
    assert data["budget"]["used"] == 3
    assert data["activity"] == 78
    assert [c["done"] for c in data["copies"]] == [
        "told with a Webmention",
        "left alone: nothing to tell",
    ]
    written = run("incident", "review", incident.pk, "--pdf", tmp_path / "r.pdf")
    assert written.exit_code == 0, written.output
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")
    assert "time to correction: 6 h 10 min" in written.output


def test_the_chart_marks_the_apology_and_the_correction_in_words(people, incident, client):
    # Both came an hour and a half, and two hours, after the post (within the hours drawn).
    made = incident.post.created_at
    Post.objects.filter(kind="apology").update(created_at=made + timedelta(minutes=90))
    Revision.objects.filter(post=incident.post, n=2).update(created_at=made + timedelta(hours=2))
    client.force_login(people.sam)
    for page in (f"/desk/incidents/{incident.pk}/", f"/desk/incidents/{incident.pk}/review/"):
        html = client.get(page).content.decode()
        chart = html[html.index("<svg") : html.index("</svg>")]
        assert ">Apology</text>" in chart
        assert ">Correction</text>" in chart
        assert "The apology came at" in chart  # said in the description a screen reader reads
        assert "The correction came at" in chart
