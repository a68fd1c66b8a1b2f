"""Copies kept by web archives, from a real pywb on loopback (its Wayback CDX API and replay),
with WARCs the test writes: every snapshot of a post's page taken after it was made is recorded
as a copy found by ``archive`` with the revision its words show (the wrong one, or the
corrected one); a second look records nothing twice; the Internet Archive's CDX answer (JSON
arrays) reads the same as pywb's (a JSON object a line)."""

from datetime import datetime, timedelta
from io import BytesIO

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from amends.actions import Correct, OpenIncident, Publish
from amends.copies.models import ArchiveLook
from amends.copies.register import copies_of
from amends.copies.wayback import FIRST, Snapshot, cdx_of, look_up_due, read_cdx

WRONG = "Officers want to hear from anyone who saw a red Ford Focus on Heol y Castell at 9pm."
RIGHT = "Officers want to hear from anyone who saw a grey Vauxhall Astra on Heol y Castell at 9pm."
SITE = "https://news.police.example"  # each test's own host under it: pywb is the session's


def warc(path, captures: list[tuple[datetime, str, str]]):
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for at, url, words in captures:
            body = f"<!doctype html><title>Appeal</title><main><p>{words}</p></main>".encode()
            record = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                http_headers=StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                ),
                warc_headers_dict={"WARC-Date": at.strftime("%Y-%m-%dT%H:%M:%SZ")},
            )
            writer.write_record(record)
    return path


@pytest.fixture
def incident(people, settings, pywb):
    import uuid

    settings.SITE_URL = SITE.replace("news", f"news{uuid.uuid4().hex[:8]}")
    settings.WEB_ARCHIVES = [pywb.collection]
    post = Publish(people.alice, account="house:news", text=WRONG).run()
    return OpenIncident(
        people.sam,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Wrong car",
        rationale="The car described was the wrong one.",
    ).run()


def test_snapshots_in_a_real_archive_are_copies_of_the_revision_they_show(
    people, incident, pywb, tmp_path, settings
):
    post = incident.post
    site = settings.SITE_URL
    page = f"{site}/posts/{post.pk}/"
    made = post.created_at
    Correct(people.alice, post=post.pk, text=RIGHT, reason="The wrong car").run()
    pywb.add(
        warc(
            tmp_path / f"post-{post.pk}.warc.gz",
            [
                (made - timedelta(days=30), page, "An older page at this address."),
                (made + timedelta(minutes=5), page, WRONG),
                (made + timedelta(hours=2), page, RIGHT),
                (made + timedelta(hours=2), f"{site}/posts/{post.pk + 1000}/", WRONG),
            ],
        )
    )
    assert look_up_due() == 2
    found = sorted((c["revision"], c["shows_error"], c["found_by"]) for c in copies_of(post))
    assert found == [(1, True, "archive"), (2, False, "archive")]
    wrong = next(c for c in copies_of(post) if c["revision"] == 1)
    stamp = (made + timedelta(minutes=5)).strftime("%Y%m%d%H%M%S")
    assert wrong["url"] == f"{pywb.collection}/{stamp}/{page}"
    assert wrong["offer"] is None  # nothing to tell an archive

    # Due again: nothing new, nothing twice, and the next look waits longer.
    ArchiveLook.objects.update(due_at=datetime.now().astimezone())
    assert look_up_due() == 0, [c["url"] for c in copies_of(post)]
    look = ArchiveLook.objects.get()
    assert (look.interval, look.problem) == (2 * FIRST, "")
    assert len(copies_of(post)) == 2


def test_a_post_no_archive_holds_has_no_archived_copies(incident):
    assert look_up_due() == 0
    assert copies_of(incident.post) == []
    assert ArchiveLook.objects.get().problem == ""


def test_the_internet_archives_answer_reads_like_pywbs():
    arrays = (
        '[["urlkey","timestamp","original","mimetype","statuscode","digest","length"],'
        '["uk,police,news)/posts/7","20261203211405","https://news.police.uk/posts/7/",'
        '"text/html","200","PCR22YT3","389"],'
        '["uk,police,news)/posts/7","20261203221405","https://news.police.uk/posts/7/",'
        '"text/html","301","EMNA5EI5","393"]]'
    )
    lines = (
        '{"timestamp": "20261203211405", "url": "https://news.police.uk/posts/7/", '
        '"status": "200"}\n'
    )
    expected = [Snapshot("20261203211405", "https://news.police.uk/posts/7/")]
    assert read_cdx(arrays) == expected  # a redirect is no copy
    assert read_cdx(lines) == expected
    assert read_cdx("") == []
    assert cdx_of("https://web.archive.org/web") == "https://web.archive.org/cdx/search/cdx"
    assert cdx_of("https://archive.example/force") == "https://archive.example/force/cdx"
