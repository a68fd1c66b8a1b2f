"""Facets as Bluesky's own app makes them: Amends' detection compared with ``@atproto/api``'s
``RichText`` itself (from npm, run with Node) over hand-picked texts and thousands of generated
ones, and checked on its own with hypothesis."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.connectors.bluesky import richtext
from tests.support.servers import atproto_api

pytestmark = pytest.mark.once  # pure: the same whatever the database

PICKED = [
    "Thanks to @partner.bsky.social and @police.uk for their help.",
    "Ask @Alice.test, (@bob.test) or @carol.test.",
    "email me@example.com or @no-tld and @x.notatld",
    "See police.uk/appeal or www.police.uk, and gov.uk.",
    "Details: https://example.police.uk/appeals/4-may.",
    "Details (https://example.police.uk/a) and (police.uk/b).",
    "HTTPS://EXAMPLE.COM is upper case; Police.UK too; example.COM",
    "Links in a row: a.co b.io c.invalid d.museum e.xn--p1ai",
    "Wrapped lines:\npolice.uk\r\nexample.org\u2028example.net",
    "A tag #MillLane, #100 and #4May! then #café and ＃fullwidth #",
    "Cashtags $ABC, $abcd. and ($XYZ) but not $ABCDEF or $1ABC",
    "Emoji first 👩‍👩‍👧 then @partner.bsky.social and 🇬🇧 police.uk",
    "Punctuation: example.com!? example.com)) (example.com/a(b)c) example.com/x).",
    "@start.test at the start, and at the end @end.test",
    "Non-breaking\u00a0@nbsp.test and\u3000ideographic\u3000police.uk",
]

FRAGMENTS = [
    "@partner.bsky.social",
    "@police.uk",
    "@a.test",
    "@x",
    "@Bad.TEST",
    "police.uk",
    "www.police.uk/appeal",
    "example.com/a?b=c",
    "https://example.org/x",
    "http://a.b",
    "HTTP://upper.com",
    "gov.uk.",
    "(police.uk)",
    "example.notatld",
    "#MillLane",
    "#4May",
    "#100",
    "#café!",
    "＃wide",
    "$ABC",
    "$abcde",
    "$TOOLONG",
    "e-mail@example.com",
    "👩‍👩‍👧",
    "🇬🇧",
    "é",
    "ß",
    "中文",
    "(",
    ")",
    ".",
    ",",
    "!",
    "?",
    ":",
    ";",
    "'",
    '"',
    " ",
    " ",
    " ",
    "\n",
    "\u00a0",
    "\u2028",
    "\t",
    "-",
    "/",
    "a",
    "Z",
    "9",
]


def corpus(size: int, seed: int = 20261204) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 12))) for _ in range(size)]


def test_the_top_level_domains_are_the_librarys():
    assert richtext.tlds() == frozenset(atproto_api.tlds())


def test_hand_picked_texts_get_the_librarys_facets():
    theirs = atproto_api.facets(PICKED)
    for text, expected in zip(PICKED, theirs, strict=True):
        assert richtext.detect(text) == expected, text


def test_thousands_of_generated_texts_get_the_librarys_facets():
    texts = corpus(4000)
    theirs = atproto_api.facets(texts)
    differ = [t for t, e in zip(texts, theirs, strict=True) if richtext.detect(t) != e]
    assert differ == []


def test_what_the_old_detection_missed_is_found():
    """A partner agency's handle is a mention (it is told), a bare domain a link."""
    found = richtext.detect("Thanks @partner.bsky.social, see police.uk/appeal.")
    kinds = [(f["features"][0]["$type"].rsplit("#", 1)[1], f["features"][0]) for f in found]
    assert kinds[0] == ("mention", {"$type": richtext.MENTION_TYPE, "did": "partner.bsky.social"})
    assert kinds[1][1]["uri"] == "https://police.uk/appeal"


@given(st.lists(st.sampled_from(FRAGMENTS), max_size=20).map("".join))
def test_each_facet_slices_exactly_what_it_names(text):
    raw = text.encode("utf-8")
    for facet in richtext.detect(text):
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        assert 0 <= start < end <= len(raw)
        shown = raw[start:end].decode("utf-8")
        feature = facet["features"][0]
        if feature["$type"] == richtext.MENTION_TYPE:
            assert shown == "@" + feature["did"]
        elif feature["$type"] == richtext.LINK_TYPE:
            assert feature["uri"] in (shown, "https://" + shown)
        elif feature["tag"].startswith("$"):
            assert shown.upper() == feature["tag"]
        else:
            assert shown[1:] == feature["tag"]
