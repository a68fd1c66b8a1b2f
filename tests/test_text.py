"""Pure text logic: the word diff, correction renderings, the apology checker, the tone guard."""

import json
from datetime import UTC, datetime
from html.parser import HTMLParser
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.text.apology import ERROR, WARNING, blocking, check_apology
from amends.text.diff import changes, new_text, old_text, word_diff
from amends.text.render import correction_html, deletion_notice, json_ld, plain_correction
from amends.text.tone import humour_markers

pytestmark = pytest.mark.once  # the same whatever the database

words = st.text(alphabet=st.sampled_from(list("abc 14May.,\n\t'<>&\"é😂")), max_size=60)


@given(words, words)
def test_the_diff_spells_the_old_text_and_the_new_text_exactly(old, new):
    ops = word_diff(old, new)
    assert old_text(ops) == old
    assert new_text(ops) == new
    assert all(op.text for op in ops)
    assert all(a.kind != b.kind for a, b in pairwise(ops))


@given(words)
def test_an_unchanged_text_has_no_changes(text):
    assert changes(word_diff(text, text)) == []


def test_a_changed_date_is_one_word():
    ops = word_diff("The appeal closes on 4 May.", "The appeal closes on 14 May.")
    assert changes(ops) == [("4", "14")]


def test_a_changed_phrase_reads_as_one_change():
    assert changes(word_diff("call 999 now please", "call 101 tomorrow please")) == [
        ("999 now", "101 tomorrow")
    ]


class Text(HTMLParser):
    """Collects the text of an HTML fragment, and what is inside <del> and <ins>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.all, self.deleted, self.inserted, self.tags = [], [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        self.tags.append(tag)

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        self.all.append(data)
        if "del" in self.stack:
            self.deleted.append(data)
        if "ins" in self.stack:
            self.inserted.append(data)


def parse(fragment):
    parser = Text()
    parser.feed(fragment)
    parser.close()
    return parser


@given(words, words)
def test_the_html_correction_escapes_everything_and_keeps_both_wordings(old, new):
    html = correction_html(old, new)
    parsed = parse(html)
    assert set(parsed.tags) <= {"del", "ins", "span"}
    text = "".join(parsed.all).replace("deleted text: ", "").replace("inserted text: ", "")
    ops = word_diff(old, new)
    assert text == "".join(op.text for op in ops)
    assert "".join(parsed.deleted).replace("deleted text: ", "") == "".join(
        op.text for op in ops if op.kind == "delete"
    )
    assert "".join(parsed.inserted).replace("inserted text: ", "") == "".join(
        op.text for op in ops if op.kind == "insert"
    )


def test_each_change_is_labelled_for_screen_readers():
    html = correction_html("closes on 4 May", "closes on 14 May")
    assert html == (
        'closes on <del><span class="visually-hidden">deleted text: </span>4</del>'
        '<ins><span class="visually-hidden">inserted text: </span>14</ins> May'
    )


def test_user_text_cannot_inject_markup():
    html = correction_html("x", '<script>alert("x")</script>')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_the_plain_correction_says_it_in_words():
    at = datetime(2026, 5, 1, 14, 5, tzinfo=UTC)
    text = plain_correction(
        "The appeal closes on 4 May.",
        "The appeal closes on 14 May.",
        at=at,
        zone=UTC,
        reason="We gave the wrong date",
    )
    assert text == "Correction (14:05): \u201c14\u201d, not \u201c4\u201d. We gave the wrong date."


def test_the_plain_correction_reads_the_clock_of_the_forces_own_zone():
    summer = datetime(2026, 7, 1, 13, 5, tzinfo=UTC)  # 14:05 in London (BST)
    winter = datetime(2026, 12, 1, 13, 5, tzinfo=UTC)  # 13:05 in London (GMT)
    london = ZoneInfo("Europe/London")
    assert plain_correction("a 4", "a 14", at=summer, zone=london).startswith("Correction (14:05)")
    assert plain_correction("a 4", "a 14", at=winter, zone=london).startswith("Correction (13:05)")
    notice = deletion_notice("it was offensive", "", at=summer, zone=london)
    assert notice.startswith("We removed one of our posts at 14:05 on 1 July 2026")


def test_the_plain_correction_never_uses_combining_strikethrough():
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert "\u0336" not in plain_correction("a b", "a c", at=at, zone=UTC)


@given(st.dictionaries(st.text(), st.text(), max_size=3))
def test_json_ld_parses_back_and_cannot_close_its_script_element(data):
    text = json_ld(data)
    assert json.loads(text) == dict(sorted(data.items()))
    assert "</" not in text
    assert "<" not in text


@pytest.mark.parametrize(
    "text",
    [
        "We are sorry. The date we gave for the appeal was wrong; it closes on 14 May.",
        "We apologise: our post named the wrong street. It was Elm Road, not Oak Road.",
        "Apologies \u2014 we got this wrong and should not have shared that photo.",
        # Welsh: we are sorry, the date was wrong; we apologise, we should not have shared it.
        "Mae\u2019n ddrwg gennym: roedd y dyddiad a roesom yn anghywir. Mae\u2019r ap\u00eal yn "
        "cau ar 14 Mai.",
        "Ymddiheurwn: ni ddylem fod wedi rhannu\u2019r llun hwnnw.",
        "Mae'n wir ddrwg gennym am y camgymeriad yn ein neges.",
    ],
)
def test_a_plain_specific_apology_passes(text):
    assert check_apology(text) == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The date in our earlier post was wrong.", "no_apology"),
        ("We are sorry if anyone was offended by our post, it was wrong.", "conditional"),
        ("We apologise for any offence caused by the wrong photo.", "conditional"),
        ("We are sorry you feel that our post was wrong.", "conditional"),
        ("Sorry: mistakes were made and the post was wrong.", "passive"),
        ("We are sorry, the post was published in error.", "passive"),
        # Welsh: no apology; sorry if anyone was offended; any offence caused; sorry if; mistakes
        # were made; published in error.
        ("Roedd y dyddiad yn ein neges yn anghywir.", "no_apology"),
        (
            "Mae'n ddrwg gennym os oedd unrhyw un wedi'i dramgwyddo gan y neges anghywir.",
            "conditional",
        ),
        ("Ymddiheurwn am unrhyw dramgwydd a achoswyd gan y llun anghywir.", "conditional"),
        ("Sori os oedd y neges yn anghywir.", "conditional"),
        ("Mae\u2019n ddrwg gennym: gwnaed camgymeriadau.", "passive"),
        ("Ymddiheurwn, cyhoeddwyd y neges mewn camgymeriad.", "passive"),
    ],
)
def test_non_apologies_are_errors(text, code):
    findings = check_apology(text)
    assert code in {f.code for f in findings if f.severity == ERROR}
    assert blocking(findings)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Sorry, a technical error meant the wrong date went out.", "blame"),
        ("Sorry, autocorrect changed the date, which was wrong.", "blame"),
        ("We are sorry about our earlier post.", "not_specific"),
        ("Sori, gwall technegol a roddodd y dyddiad anghywir.", "blame"),
        ("Mae'n ddrwg gennym am ein neges gynharach.", "not_specific"),
    ],
)
def test_blame_and_vagueness_are_warnings(text, code):
    findings = check_apology(text)
    assert code in {f.code for f in findings if f.severity == WARNING}
    assert not blocking(findings)


def test_an_apology_over_the_platform_limit_is_an_error():
    text = "Sorry, the date was wrong. " * 20
    findings = check_apology(text, limit=300)
    assert any(f.code == "too_long" and f.severity == ERROR for f in findings)
    assert check_apology(text, limit=1000) == []


@pytest.mark.parametrize(
    "text",
    [
        "lol that was wrong",
        "Haha, sorry!",
        "Oops \U0001f602",
        "whoops",
        "my bad",
        "typo :)",
        "\U0001f923",
        "\U0001f605 sorry",
        "LOL",
        "ok ;-)",
        "Wps! Sori",  # Welsh
        "wpsi \U0001f602",
    ],
)
def test_humour_markers_are_found(text):
    assert humour_markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "We are sorry. The appeal closes on 14 May.",
        "Follow the whole story",
        "Shoop Lane",
        "The hahaha-free zone" if False else "Ha Long Bay",
        "Call 101 :(",
        "(see: map)",
    ],
)
def test_plain_words_are_not_humour(text):
    assert humour_markers(text) == []


def test_markers_are_reported_as_written():
    assert humour_markers("Oops, LOL \U0001f602") == ["Oops", "LOL", "\U0001f602"]


def test_one_word_changed_in_a_very_long_post_is_one_change():
    old = " ".join(f"word{i}" for i in range(31_000))
    new = old.replace("word15000 ", "changed ", 1)
    ops = word_diff(old, new)
    assert [op.kind for op in ops] == ["equal", "delete", "insert", "equal"]
    assert (ops[1].text, ops[2].text) == ("word15000", "changed")
    assert "".join(op.text for op in ops if op.kind != "insert") == old
