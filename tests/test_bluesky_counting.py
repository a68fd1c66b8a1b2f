"""Bluesky counting: graphemes and UTF-8 bytes, and link facets by byte offset. Pure functions."""

import pytest
import regex
from hypothesis import assume, given
from hypothesis import strategies as st

from amends.connectors.bluesky import counting

pytestmark = pytest.mark.once  # the same whatever the database

# What a reader sees as one character, each several code points.
CLUSTERS = [
    "👮‍♀️",  # police officer, woman: ZWJ sequence with a variation selector
    "👨‍👩‍👧‍👦",  # family: four people joined by ZWJ, 25 bytes
    "🏳️‍🌈",  # rainbow flag
    "🇬🇧",  # a flag: two regional indicators
    "👍🏽",  # a skin tone modifier
    "é",  # e + combining acute accent
    "ṩ",  # s + dot below + dot above
    "각",  # Hangul jamo, composed on screen
    "\r\n",  # one grapheme, two characters
]
clusters = st.sampled_from(CLUSTERS)
words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zs", "Mn", "Me", "Mc"]),
    min_size=1,
    max_size=8,
).filter(lambda word: "://" not in word)
hosts = st.from_regex(r"[a-z][a-z0-9-]{0,12}\.(police\.uk|gov\.uk|example)", fullmatch=True)
paths = st.from_regex(r"(/[A-Za-z0-9_~%=&?-]{0,10}){0,3}", fullmatch=True)
urls = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}{path}",
    st.sampled_from(["https", "http"]),
    hosts,
    paths,
)


def test_a_plain_sentence_counts_one_grapheme_and_one_byte_per_letter():
    assert counting.graphemes("Road closed") == 11
    assert counting.utf8_bytes("Road closed") == 11


def test_an_emoji_made_of_many_code_points_is_one_grapheme_of_many_bytes():
    family = "👨‍👩‍👧‍👦"
    assert len(family) == 7
    assert counting.graphemes(family) == 1
    assert counting.utf8_bytes(family) == 25


@given(st.lists(clusters, max_size=60))
def test_each_cluster_counts_once_however_many_code_points_it_has(parts):
    text = "".join(parts)
    assert counting.graphemes(text) == len(parts)
    assert counting.utf8_bytes(text) == sum(len(part.encode()) for part in parts)


@given(
    st.sampled_from("aeiouyn"), st.lists(st.sampled_from("\u0301\u0308\u0323\u0303"), max_size=6)
)
def test_combining_marks_join_the_letter_before_them(letter, marks):
    assert counting.graphemes(letter + "".join(marks)) == 1


@given(st.text())
def test_graphemes_never_exceed_characters_nor_characters_bytes(text):
    assert counting.graphemes(text) <= len(text) <= counting.utf8_bytes(text)
    assert counting.utf8_bytes(text) == len(text.encode("utf-8"))


GLUES_BACKWARD = regex.compile(r"^[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}]")
GLUES_FORWARD = regex.compile(r"\p{GCB=Prepend}$")


@given(st.text(), st.text())
def test_graphemes_of_two_texts_add_up_when_joined_at_a_space(left, right):
    # UAX #29 breaks at a space on both sides, except after a prepend character and before a
    # combining mark (which then sits on the space).
    assume(not GLUES_FORWARD.search(left) and not GLUES_BACKWARD.search(right))
    joined = f"{left} {right}"
    assert counting.graphemes(joined) == counting.graphemes(left) + 1 + counting.graphemes(right)


@given(st.text(), st.sampled_from(["\u0301", "\u200d"]))
def test_a_mark_after_a_space_joins_the_space(left, mark):
    assume(not GLUES_FORWARD.search(left))
    assert counting.graphemes(f"{left} {mark}") == counting.graphemes(left) + 1


@given(st.lists(clusters | st.just("a"), max_size=400))
def test_a_text_fits_exactly_when_it_keeps_both_limits(parts):
    text = "".join(parts)
    measure = counting.measure(text)
    assert measure.fits == (
        counting.graphemes(text) <= counting.GRAPHEMES
        and counting.utf8_bytes(text) <= counting.BYTES
    )
    assert [unit for _, _, unit in measure.counts] == ["graphemes", "bytes"]


def test_two_hundred_families_fit_the_grapheme_limit_but_not_the_byte_limit():
    measure = counting.measure("👨‍👩‍👧‍👦" * 200)
    assert measure.counts == ((200, 300, "graphemes"), (5000, 3000, "bytes"))
    assert not measure.fits
    assert str(measure) == "200 of 300 graphemes, 5,000 of 3,000 bytes"


def test_an_accounts_own_limit_replaces_the_grapheme_limit_only():
    measure = counting.measure("a" * 301, limit=500)
    assert measure.fits
    assert measure.counts[1] == (301, 3000, "bytes")
