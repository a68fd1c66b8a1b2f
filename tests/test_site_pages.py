"""The public site: static pages with visible corrections, deletion notices served as 410,
and no user text unescaped anywhere."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from amends.actions import ApproveDeletion, Correct, Publish, RequestDeletion
from amends.site.render import render_all

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def site(people, settings):
    return Path(settings.SITE_DIR)


def page(client, path):
    response = client.get(path)
    return response.status_code, b"".join(response.streaming_content).decode()


def test_a_corrected_post_shows_the_wrong_words_struck_through_beside_the_right_ones(
    people, site, client
):
    post = Publish(people.alice, account="house:news", text="Appeal closes on 4 May.").run()
    Correct(people.alice, post=post.pk, text="Appeal closes on 14 May.", reason="Wrong date").run()
    status, html = page(client, f"/posts/{post.pk}/")
    assert status == 200
    assert '<del><span class="visually-hidden">deleted text: </span>4</del>' in html
    assert '<ins><span class="visually-hidden">inserted text: </span>14</ins>' in html
    assert "Wrong date" in html
    assert re.search(r"Corrected <time datetime=\"[^\"]+\">", html)
    ld = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["correction"][0]["@type"] == "CorrectionComment"
    assert "\u201c14\u201d, not \u201c4\u201d" in ld["correction"][0]["text"]
    _, corrections = page(client, "/corrections/")
    assert f'href="/posts/{post.pk}/"' in corrections
    assert "Wrong date" in corrections


def test_a_deleted_post_is_a_notice_served_410_that_never_shows_the_content(people, site, client):
    post = Publish(people.alice, account="house:news", text="Suspect J. Smith of Elm Road").run()
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="prejudicial",
        explanation="It could harm a trial.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    status, html = page(client, f"/posts/{post.pk}/")
    assert status == 410
    assert "could have prejudiced an investigation or court proceedings" in html
    assert "It could harm a trial." in html
    assert "Smith" not in html
    for path in ("/", "/feed.atom", "/corrections/"):
        assert "Smith" not in page(client, path)[1]
    assert not (site / f"posts/{post.pk}/index.html").exists()


def test_user_text_is_escaped_on_every_page(people, site, client):
    post = Publish(people.alice, account="house:news", text=XSS).run()
    Correct(people.alice, post=post.pk, text=XSS + " fixed", reason=XSS).run()
    for path in ("/", f"/posts/{post.pk}/", "/corrections/", "/feed.atom"):
        _, body = page(client, path)
        assert "<script>alert" not in body, path
        assert "<img src=x" not in body, path
    ET.fromstring(page(client, "/feed.atom")[1].encode())


def test_the_pages_work_without_javascript(people, site, client):
    post = Publish(people.alice, account="house:news", text="Hello").run()
    for path in ("/", f"/posts/{post.pk}/", "/corrections/"):
        _, body = page(client, path)
        scripts = re.findall(r"<script[^>]*>", body)
        assert all('type="application/ld+json"' in s for s in scripts)
        assert '<html lang="en-GB">' in body
        assert 'href="#main"' in body


def test_only_the_pages_an_action_touches_are_written_again(people, site):
    first = Publish(people.alice, account="house:news", text="First").run()
    before = (site / f"posts/{first.pk}/index.html").stat().st_mtime_ns
    Publish(people.alice, account="house:news", text="Second").run()
    assert (site / f"posts/{first.pk}/index.html").stat().st_mtime_ns == before


def test_the_feed_lists_the_latest_posts(people, site, client):
    for i in range(3):
        Publish(people.alice, account="house:news", text=f"Post {i}").run()
    feed = ET.fromstring(page(client, "/feed.atom")[1].encode())
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert [e.find("{http://www.w3.org/2005/Atom}content").text for e in entries] == [
        "Post 2",
        "Post 1",
        "Post 0",
    ]


def test_the_checkpoint_and_key_are_published(people, site, client):
    from amends.record import api as record

    Publish(people.alice, account="house:news", text="x").run()
    record.sign_checkpoint()
    Publish(people.alice, account="house:news", text="y").run()
    status, note = page(client, "/.well-known/amends/checkpoint")
    assert status == 200
    assert note == record.latest_checkpoint().note
    assert page(client, "/.well-known/amends/key")[1].count("+") >= 2


@pytest.mark.parametrize("path", ["/../secret-key", "/posts/../../secret-key", "/%2e%2e/x"])
def test_nothing_outside_the_site_folder_is_served(people, site, client, path):
    assert client.get(path).status_code == 404


def test_corrections_archive_pages_stay_put_as_the_list_grows(people, site, monkeypatch):
    from amends.site import render

    monkeypatch.setattr(render, "PAGE_SIZE", 3)
    posts = [Publish(people.alice, account="house:news", text=f"Post {i}").run() for i in range(3)]
    for i in range(7):
        Correct(people.alice, post=posts[i % 3].pk, text=f"Post v{i}", reason=f"Reason {i}").run()
    first = (site / "corrections/page/1/index.html").read_text()
    assert all(f"Reason {i}" in first for i in range(3))
    assert "Reason 3" not in first
    assert "Reason 6" in (site / "corrections/page/3/index.html").read_text()
    written = (site / "corrections/page/1/index.html").stat().st_mtime_ns
    Correct(people.alice, post=posts[0].pk, text="Post final", reason="Reason 7").run()
    assert (site / "corrections/page/1/index.html").stat().st_mtime_ns == written
    newest = (site / "corrections/index.html").read_text()
    assert "Reason 7" in newest
    assert newest.index("Reason 7") < newest.index("Reason 6")
    render.render_corrections(every_page=True)
    assert (site / "corrections/page/1/index.html").read_text() == first


def test_deferred_rendering_renders_once_at_the_end(people, site):
    from amends.site import render

    with render.deferred():
        post = Publish(people.alice, account="house:news", text="Bulk").run()
        assert not (site / f"posts/{post.pk}/index.html").exists()
    assert (site / f"posts/{post.pk}/index.html").exists()


def call(app, path, method="GET"):
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app({"REQUEST_METHOD": method, "PATH_INFO": path}, start_response))
    return seen["status"], seen["headers"], body


def test_the_server_serves_public_files_itself_and_the_rest_through_django(people, site):
    from amends.site.wsgi import PublicFiles

    post = Publish(people.alice, account="house:news", text="Hello").run()
    gone = Publish(people.alice, account="house:news", text="Secret").run()
    deletion = RequestDeletion(
        people.alice,
        post=gone.pk,
        ground="illegal",
        explanation="x",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()

    def django(environ, start_response):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"from django"]

    app = PublicFiles(django)
    status, headers, body = call(app, f"/posts/{post.pk}/")
    assert (status, headers["Content-Type"]) == ("200 OK", "text/html; charset=utf-8")
    assert b"Hello" in body
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, _, body = call(app, f"/posts/{gone.pk}/")
    assert status == "410 Gone"
    assert b"Secret" not in body
    assert call(app, f"/posts/{post.pk}/", "HEAD")[2] == b""
    assert call(app, "/posts/999/")[2] == b"from django"
    assert call(app, "/../secret-key")[2] == b"from django"
    assert call(app, f"/posts/{post.pk}/", "POST")[2] == b"from django"


def test_the_server_serves_a_page_changed_on_disk_from_the_next_request_on(people, site):
    from amends.site.wsgi import PublicFiles

    post = Publish(people.alice, account="house:news", text="Appeal closes on 4 May.").run()
    app = PublicFiles(lambda environ, start_response: [b"from django"])
    assert b"4 May" in call(app, f"/posts/{post.pk}/")[2]
    assert b"4 May" in call(app, f"/posts/{post.pk}/")[2]  # now from memory

    Correct(people.alice, post=post.pk, text="Appeal closes on 14 May.", reason="Wrong").run()
    status, headers, body = call(app, f"/posts/{post.pk}/")
    assert status == "200 OK"
    assert b"<ins" in body
    assert b"14" in body
    assert headers["Content-Length"] == str(len(body))

    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="illegal",
        explanation="x",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    status, _, body = call(app, f"/posts/{post.pk}/")
    assert status == "410 Gone"
    assert b"14 May" not in body


def test_a_page_written_by_another_process_with_the_same_size_is_still_seen(people, site):
    """A re-render renames a new file over the old one: a new file, even if the same size."""
    from amends.site.wsgi import PublicFiles

    post = Publish(people.alice, account="house:news", text="Hello").run()
    app = PublicFiles(lambda environ, start_response: [b"from django"])
    file = site / "posts" / str(post.pk) / "index.html"
    before = call(app, f"/posts/{post.pk}/")[2]
    changed = before.replace(b"Hello", b"Howdy")
    (file.parent / "next.tmp").write_bytes(changed)
    (file.parent / "next.tmp").replace(file)
    assert call(app, f"/posts/{post.pk}/")[2] == changed


def test_a_deletion_notice_gives_way_if_the_page_comes_back(people, site):
    from amends.site.wsgi import PublicFiles

    post = Publish(people.alice, account="house:news", text="Hello").run()
    app = PublicFiles(lambda environ, start_response: [b"from django"])
    folder = site / "posts" / str(post.pk)
    page_html = (folder / "index.html").read_bytes()
    (folder / "gone.html").write_bytes(b"gone")
    (folder / "index.html").unlink()
    assert call(app, f"/posts/{post.pk}/")[0] == "410 Gone"
    (folder / "index.html").write_bytes(page_html)
    assert call(app, f"/posts/{post.pk}/")[:1] == ("200 OK",)


def test_the_servers_memory_for_pages_is_bounded(people, site, monkeypatch):
    from amends.site import wsgi

    posts = [Publish(people.alice, account="house:news", text=f"Post {n}").run() for n in range(6)]
    size = len((site / "posts" / str(posts[0].pk) / "index.html").read_bytes())
    monkeypatch.setattr(wsgi, "CACHE_BYTES", size * 3 + 100)
    app = wsgi.PublicFiles(lambda environ, start_response: [b"from django"])
    for number, post in enumerate(posts):
        status, _, body = call(app, f"/posts/{post.pk}/")
        assert status == "200 OK"
        assert f"Post {number}".encode() in body
    assert 0 < len(app.pages) <= 3
    assert app.held <= wsgi.CACHE_BYTES
    assert f"/posts/{posts[-1].pk}/" in app.pages
    assert f"/posts/{posts[0].pk}/" not in app.pages


ATOM = "{http://www.w3.org/2005/Atom}"
TOMBSTONES = "{http://purl.org/atompub/tombstones/1.0}"


def test_feed_entries_are_titled_by_their_first_words(people, site, client):
    long = "Witness appeal: officers are asking anyone who was near Mill Lane on Tuesday evening"
    Publish(people.alice, account="house:news", text=long + " to call 101.").run()
    Publish(
        people.alice, account="house:news", text="Road closed.\nDiversion via Elm Street."
    ).run()
    feed = ET.fromstring(page(client, "/feed.atom")[1].encode())
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert titles[0] == "Road closed."
    assert titles[1].endswith("…")
    assert len(titles[1]) <= 70
    assert long.startswith(titles[1][:-1])


def test_a_removed_post_stays_in_the_feed_as_a_tombstone_saying_why_never_what(
    people, site, client
):
    post = Publish(people.alice, account="house:news", text="Named a witness.").run()
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="prejudicial",
        explanation="It could have prejudiced a trial.",
        rationale="r",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="r").run()
    body = page(client, "/feed.atom")[1]
    assert "Named a witness" not in body
    feed = ET.fromstring(body.encode())
    assert feed.findall(f"{ATOM}entry") == []
    (gone,) = feed.findall(f"{TOMBSTONES}deleted-entry")
    assert gone.get("ref").endswith(f"/posts/{post.pk}/")
    assert gone.get("when").endswith("Z")
    assert "It could have prejudiced a trial." in gone.find(f"{TOMBSTONES}comment").text


def test_the_welsh_feed_has_the_same_entries_with_its_own_words_and_grounds(
    people, site, client, settings
):
    english = Publish(people.alice, account="house:news", text="Road closed on Elm Street.").run()
    welsh = Publish(
        people.alice, account="house:news", text="Ffordd ar gau ar Stryd Elm.", language="cy"
    ).run()
    Correct(people.alice, post=welsh.pk, text="Ffordd ar gau ar Stryd Derw.", reason="Enw").run()
    gone = Publish(people.alice, account="house:news", text="Named a witness.").run()
    deletion = RequestDeletion(
        people.alice, post=gone.pk, ground="prejudicial", explanation="A trial.", rationale="r"
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="r").run()
    feeds = {
        language: ET.fromstring(page(client, path)[1].encode())
        for language, path in (("en", "/feed.atom"), ("cy", "/cy/feed.atom"))
    }
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert feeds["en"].get(lang) == "en-GB"
    assert feeds["cy"].get(lang) == "cy"
    for language, feed in feeds.items():
        entries = {e.find(f"{ATOM}id").text: e for e in feed.findall(f"{ATOM}entry")}
        ids = sorted(entries)
        assert ids == sorted(f"{settings.SITE_URL}/posts/{p.pk}/" for p in (english, welsh))
        # Each entry in its own language, whichever feed it is in.
        assert entries[f"{settings.SITE_URL}/posts/{welsh.pk}/"].get(lang) == "cy"
        assert entries[f"{settings.SITE_URL}/posts/{english.pk}/"].get(lang) == "en-GB"
        title = entries[f"{settings.SITE_URL}/posts/{welsh.pk}/"].find(f"{ATOM}title").text
        assert title.endswith("(cywirwyd)" if language == "cy" else "(corrected)")
        (tomb,) = feed.findall(f"{TOMBSTONES}deleted-entry")
        comment = tomb.find(f"{TOMBSTONES}comment").text
        assert comment.startswith(
            "Wedi'i dileu oherwydd" if language == "cy" else "Removed because"
        )
        assert comment.endswith("A trial.")
        self_link = [a for a in feed.findall(f"{ATOM}link") if a.get("rel") == "self"]
        assert (
            self_link[0].get("href").endswith("/cy/feed.atom" if language == "cy" else "/feed.atom")
        )
    assert page(client, "/cy/feed.atom")[1] != page(client, "/feed.atom")[1]
    # The Welsh pages point to the Welsh feed.
    assert 'href="/cy/feed.atom"' in page(client, "/cy/")[1]
    assert 'href="/feed.atom"' in page(client, "/")[1]


def test_a_page_that_is_not_there_is_the_sites_own_not_found_page(people, site, client):
    response = client.get("/posts/99999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "See our latest posts" in body
    assert '<html lang="en-GB">' in body  # the site's own page, not the framework's


def test_the_site_speaks_for_the_force(people, site, client, settings, tmp_path):
    logo = tmp_path / "crest.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"></svg>')
    settings.SITE_LOGO = str(logo)
    settings.SITE_TITLE = "Example Police"
    post = Publish(
        people.alice, account="house:news", text="Have you seen this bike? https://police.uk/a."
    ).run()
    render_all()
    _, html = page(client, f"/posts/{post.pk}/")
    # Titled by its first words; its link a link (without the full stop); the force's mark.
    assert "<title>Have you seen this bike? https://police.uk/a. · Example Police</title>" in html
    assert '<a href="https://police.uk/a" rel="nofollow noopener">https://police.uk/a</a>.' in html
    assert '<img src="/logo.svg" alt="" height="32"> Example Police</a>' in html
    assert '<link rel="icon" href="/favicon.svg" type="image/svg+xml">' in html
    assert (site / "logo.svg").read_bytes() == logo.read_bytes()
    assert (site / "favicon.svg").read_text().startswith("<svg")
    status, policy = page(client, "/policy/")
    assert status == 200
    assert "How we correct and delete posts" in policy
    assert "it could have prejudiced an investigation or court proceedings" in policy


def test_the_corrections_page_names_each_corrected_post_by_its_words_never_a_deleted_one(
    people, site, client
):
    kept = Publish(people.alice, account="house:news", text="Road closed on Mill Lane.").run()
    Correct(people.alice, post=kept.pk, text="Road closed on Mill Road.", reason="Wrong road").run()
    gone = Publish(people.alice, account="house:news", text="Named the wrong man.").run()
    Correct(people.alice, post=gone.pk, text="Named the wrong person.", reason="Wording").run()
    deletion = RequestDeletion(
        people.alice, post=gone.pk, ground="offensive", explanation="Wrong.", rationale="R"
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Agreed.").run()
    _, html = page(client, "/corrections/")
    assert "(“<bdi>Road closed on Mill Road.</bdi>”) corrected" in html
    assert "wrong person" not in html
    assert "wrong man" not in html
