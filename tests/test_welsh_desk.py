"""The desk in Welsh (Welsh Language Standards: Welsh no less favourably than English).

The catalogue is complete and compiled; the switch in every page's header changes the language
and keeps it; and the pages of the officer's path at 11pm (sign-in, Today, the incident and its
five steps, the post, every composer, and the supervisor's approvals, pause and close) read in
Welsh: no text the page itself writes is left in
English. People's own words (post wording, names, reasons) stay as written.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings

import amends
from tests.support.world import desk_pages

CATALOGUE = Path(amends.__file__).parent / "locale" / "cy" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_every_string_has_a_welsh_translation_and_the_compiled_catalogue_is_current():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert po.metadata["Language"] == "cy"
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    for entry in po.translated_entries():
        said = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        for text in said:
            # Every value the English fills in is filled in in Welsh too (the count may be
            # implied by the plural form, as "%(counter)s" always is here).
            assert set(PLACEHOLDER.findall(text)) == wanted, entry.msgid
            # Markup in the message (a link, <bdi>, <strong>) survives translation.
            assert sorted(re.findall(r"</?\w+", text)) == sorted(
                re.findall(r"</?\w+", entry.msgid)
            ), entry.msgid
    mo = {(e.msgid, e.msgid_plural): e for e in polib.mofile(str(CATALOGUE / "django.mo"))}
    for entry in po.translated_entries():
        compiled = mo.get((entry.msgid, entry.msgid_plural))
        assert compiled is not None, f"django.mo lacks {entry.msgid!r}: run make messages"
        assert (compiled.msgstr, compiled.msgstr_plural) == (
            entry.msgstr,
            entry.msgstr_plural,
        ), f"django.mo is older than django.po for {entry.msgid!r}: run make messages"


class Words(HTMLParser):
    """The text a page writes itself: every text node outside the elements that hold people's
    own words or machine values."""

    OWN = {"bdi", "pre", "q", "code", "textarea", "time", "script", "style", "option"}
    VOID = {"br", "input", "img", "meta", "link", "hr"}

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self.own = [False]  # per open element: inside people's own words?

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            wording = "wording" in (dict(attrs).get("class") or "")
            self.own.append(self.own[-1] or tag in self.OWN or wording)

    def handle_endtag(self, tag):
        if tag not in self.VOID and len(self.own) > 1:
            self.own.pop()

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self.own[-1]:
            self.found.append(text)


# What is the same in both languages: names of things, numbers, marks, and the switch itself.
SAME = re.compile(
    r"^([\W\d_]+|Amends|English|Cymraeg|Nextdoor|Testbed|Microsoft Teams|Slack|#?\d+\.?|\d+ ms"
    r"|\(.*\)|.*[@:/].*|[a-z]+:\S+)$"
)


def words(html: str) -> list[str]:
    parser = Words()
    parser.feed(html)
    return [w for w in parser.found if not SAME.match(w)]


@pytest.fixture
def welsh(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "cy"
    return client


def test_the_switch_in_the_header_changes_the_language_and_keeps_it(client, people):
    client.force_login(people.alice)
    english = client.get("/desk/").content.decode()
    assert '<html lang="en-GB">' in english
    assert 'lang="cy">Cymraeg</button>' in english
    switched = client.post("/desk/language/", {"language": "cy", "next": "/desk/posts/"})
    assert switched.status_code == 302
    assert switched["Location"] == "/desk/posts/"
    page = client.get("/desk/").content.decode()
    assert '<html lang="cy">' in page
    assert "<h1>Heddiw</h1>" in page
    assert 'lang="en-GB">English</button>' in page
    # A switch to somewhere else than the desk is not followed.
    away = client.post("/desk/language/", {"language": "en-gb", "next": "https://evil.example/"})
    assert away["Location"] == "/"
    assert "<h1>Today</h1>" in client.get("/desk/").content.decode()


def test_the_sign_in_page_reads_in_welsh_before_anyone_signs_in(welsh):
    page = welsh.get("/desk/sign-in/").content.decode()
    assert '<html lang="cy">' in page
    assert "Mewngofnodi i'r ddesg" in page
    assert not {"Sign in", "Password", "Name", "Skip to content"} & set(words(page))


def officer_pages(world) -> list[tuple[str, str]]:
    post, incident = world["post"], world["incident"]
    return [
        ("alice", "/desk/"),
        ("sally", "/desk/"),
        ("fiona", "/desk/"),
        ("alice", f"/desk/incidents/{incident}/"),
        ("sally", f"/desk/incidents/{incident}/"),
        ("alice", f"/desk/posts/{post}/"),
        ("fiona", f"/desk/posts/{post}/"),
        ("alice", f"/desk/posts/{post}/correct/"),
        ("alice", f"/desk/posts/{post}/apologise/"),
        ("alice", f"/desk/posts/{post}/reply/"),
        ("alice", f"/desk/posts/{post}/reply/?laugh=1"),
        ("alice", f"/desk/posts/{post}/delete/"),
        ("sally", f"/desk/posts/{post}/delete/"),
        ("alice", "/desk/posts/new/"),
        ("alice", "/desk/posts/"),
        ("alice", "/desk/posts/?q=May"),
        ("alice", "/desk/incidents/"),
        ("alice", "/desk/incidents/?state=closed"),
        ("alice", f"/desk/incidents/{incident}/correct/"),
        # The supervisor at home: approvals, decisions, pausing everything, closing.
        ("sally", "/desk/approvals/"),
        ("sally", f"/desk/approvals/{world['deletion']}/"),
        ("andy", f"/desk/approvals/{world['deletion']}/"),
        ("sally", "/desk/sending/"),
        ("sally", f"/desk/incidents/{incident}/close/"),
    ]


def test_no_desk_page_leaves_english_the_desk_wrote(client, people, world):
    """Each page rendered in English and in Welsh: any text the page writes that reads the same
    in both was not translated. The officer's path first, as each role sees it, then every
    other desk page."""
    language = django_settings.LANGUAGE_COOKIE_NAME
    left: dict[str, list[str]] = {}
    every = [(persona, url) for _, persona, url in desk_pages(people, world)]
    pages = [(None, "/desk/sign-in/"), *officer_pages(world), *every]
    for persona, url in pages:
        if persona is None:
            client.logout()
        else:
            client.force_login(getattr(people, persona))
        client.cookies[language] = "en-gb"
        english = client.get(url)
        client.cookies[language] = "cy"
        welsh = client.get(url)
        if english.status_code == 302:
            continue  # a page that sends you on (setting up a second factor)
        assert english.status_code == welsh.status_code == 200, url
        page = welsh.content.decode()
        assert '<html lang="cy">' in page, url
        same = set(words(english.content.decode())) & set(words(page))
        if same:
            left[f"{persona} {url}"] = sorted(same)
    assert left == {}


def test_times_on_a_welsh_page_are_said_in_welsh(welsh, people, world):
    welsh.force_login(people.alice)
    page = welsh.get(f"/desk/posts/{world['post']}/").content.decode()
    said = re.findall(r'<time datetime="[^"]+">([^<]+)</time>', page)
    assert said, page
    months = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf")
    months += ("Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr")
    assert all(any(m in s for m in months) and " am " in s for s in said), said


def test_a_box_left_empty_is_named_in_welsh_with_what_to_do(welsh, people, world):
    from amends.record import api as record

    welsh.force_login(people.alice)
    size = record.size()
    sent = welsh.post(f"/desk/posts/{world['post']}/correct/", {"text": "On 14 May.", "reason": ""})
    assert sent.status_code == 400
    page = sent.content.decode()
    assert "Mae problem" in page
    assert '<a href="#reason">Rhowch y rheswm</a>' in page
    assert record.size() == size


def test_a_refusal_on_the_desk_says_what_to_do_in_the_pages_language(client, people):
    """The command line's words stay the command line's (``--anyway``); a page says what to do
    on the page, in its language."""
    from amends.actions import OpenIncident, Publish, Reply
    from amends.record import api as record

    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    OpenIncident(
        people.alice,
        post=post.pk,
        kind="tone",
        severity="serious",
        summary="A joke misfired.",
        rationale="Opened for the test.",
    ).run()
    client.force_login(people.alice)
    size = record.size()
    english = client.post(f"/desk/posts/{post.pk}/reply/", {"text": "Oops 😂"})
    assert english.status_code == 409
    page = english.content.decode()
    assert "Humour (Oops, 😂) is wrong after an incident about a misjudged tone." in page
    assert "tick the box below and say why" in page
    assert "--anyway" not in page
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "cy"
    welsh = client.post(f"/desk/posts/{post.pk}/reply/", {"text": "Oops 😂"}).content.decode()
    assert "Mae hiwmor (Oops, 😂) yn anghywir ar ôl digwyddiad am dôn amhriodol." in welsh
    assert record.size() == size
    # The command line and the API keep their own words.
    from amends.errors import AmendsError

    with pytest.raises(AmendsError, match=r"^text: humour \(Oops, 😂\) is wrong .*use --anyway"):
        Reply(people.alice, post=post.pk, text="Oops 😂").run()


def test_refusals_of_a_correction_and_a_deletion_read_in_the_pages_language(client, people):
    from amends.actions import Publish
    from amends.record import api as record

    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    client.force_login(people.alice)
    form = {"ground": "offensive", "explanation": "It was rude.", "rationale": "Rude."}
    assert client.post(f"/desk/posts/{post.pk}/delete/", form).status_code == 302
    size = record.size()
    said = {}
    for language in ("en-gb", "cy"):
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
        same = client.post(
            f"/desk/posts/{post.pk}/correct/", {"text": "Closes on 4 May.", "reason": "Date"}
        )
        again = client.post(f"/desk/posts/{post.pk}/delete/", form)
        assert same.status_code == 400
        assert again.status_code == 409
        said[language] = same.content.decode() + again.content.decode()
    assert "The wording is the same as the post&#x27;s now." in said["en-gb"]
    assert "is already waiting for a supervisor to approve its deletion." in said["en-gb"]
    assert "Mae&#x27;r geiriad yr un fath â&#x27;r neges nawr." in said["cy"]
    assert "eisoes yn aros i oruchwyliwr gymeradwyo ei dileu." in said["cy"]
    for page in said.values():
        assert "--" not in re.sub(r"<!--.*?-->", "", page)
        assert "text: " not in page
        assert "post: " not in page
    assert record.size() == size


def test_a_copy_recorded_twice_or_with_a_bad_address_is_refused_in_welsh(client, people):
    from amends.actions import Publish
    from amends.record import api as record

    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    client.force_login(people.alice)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "cy"
    url = f"/desk/posts/{post.pk}/copies/"
    copy = {"url": "https://forum.example/t/1", "found_by": "text"}
    assert client.post(url, copy).status_code == 302
    size = record.size()
    twice = client.post(url, copy)
    bad = client.post(url, {**copy, "url": "forum.example/t/2"})
    assert (twice.status_code, bad.status_code) == (409, 400)
    assert "Mae&#x27;r copi hwnnw o neges" in twice.content.decode()
    assert "Rhowch gyfeiriad gwe&#x27;r copi" in bad.content.decode()
    assert record.size() == size


def test_pausing_twice_or_resuming_what_is_not_paused_is_refused_in_welsh(client, people):
    from amends.actions import PauseSending
    from amends.record import api as record

    client.force_login(people.sam)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "cy"
    resumed = client.post("/desk/sending/", {"resume": "1"})
    assert resumed.status_code == 409
    said = "Nid yw anfon wedi&#x27;i oedi: does dim i&#x27;w ailddechrau."
    assert said in resumed.content.decode()
    PauseSending(people.adam, reason="Checking the X account.").run()
    size = record.size()
    again = client.post("/desk/sending/", {"reason": "Stop everything."})
    assert again.status_code == 409
    page = again.content.decode()
    assert "Mae adam eisoes wedi oedi anfon ar " in page
    assert re.search(r"wedi oedi anfon ar \d+ \w+ \d{4} am \d", page)
    assert record.size() == size


def test_an_incident_opened_without_its_choices_and_a_stranger_s_link_are_refused_in_welsh(
    client, people
):
    from amends.actions import Publish
    from amends.record import api as record

    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    client.force_login(people.alice)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "cy"
    size = record.size()
    form = {"summary": "Dyddiad anghywir.", "rationale": "Wythnos allan."}
    unchosen = client.post(f"/desk/posts/{post.pk}/incident/", form)
    assert unchosen.status_code == 400
    page = unchosen.content.decode()
    # The summary above the form links to the first choice; the words kept.
    assert '<a href="#kind-fact">Dewiswch beth aeth o&#x27;i le</a>' in page
    assert ">Dyddiad anghywir.</textarea>" in page
    assert "must be" not in page
    stranger = client.post(
        "/desk/posts/adopt/",
        {"url": "https://example.org/2026/05/appeal/", "back": "today"},
        follow=True,
    )
    said = stranger.content.decode()
    assert "Nid yw hon yn neges gan unrhyw gyfrif sydd wedi&#x27;i gysylltu ag Amends." in said
    assert "amends account add" not in said
    assert record.size() == size
