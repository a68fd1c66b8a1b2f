"""How X counts a post: weighted characters of 280, links as 23 (twitter-text's rules)."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.connectors.x.connector import X
from amends.connectors.x.counting import LIMIT, URL_LENGTH, weighted_length, without_links
from tests.support.conformance import conformance_dir

pytestmark = pytest.mark.once  # the same whatever the database

# Weight 1: Latin letters, digits, punctuation that cannot make a link (no dots, slashes).
latin = st.text(alphabet=st.sampled_from(list("abcXYZ019 ,;!?'\"-éüßøЖ—’")), max_size=100)
cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=100)
# X counts every emoji as 2, however many code points it is made of.
EMOJI = ["😂", "🚓", "🚨", "👮", "👍🏽", "👮🏿‍♂️", "👨‍👩‍👧", "🇬🇧", "🏳️‍🌈", "❤️", "1️⃣", "🫶"]
emoji = st.lists(st.sampled_from(EMOJI), max_size=40)
label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
urls = st.builds(
    lambda scheme, labels, tld, path: f"{scheme}{'.'.join(labels)}.{tld}/{path}",
    st.sampled_from(["https://", "http://", ""]),
    st.lists(label, min_size=1, max_size=3),
    st.sampled_from(["uk", "com", "org", "police.uk", "gov.uk"]),
    st.text(
        alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz0123456789-_/")), max_size=400
    ),
)


@given(latin)
def test_latin_letters_digits_and_punctuation_count_one_each(text):
    assert weighted_length(text) == len(unicodedata.normalize("NFC", text))


@given(cjk)
def test_cjk_counts_double(text):
    assert weighted_length(text) == 2 * len(text)


@given(latin, cjk)
def test_mixed_text_adds_up(latin_text, cjk_text):
    assert weighted_length(latin_text + cjk_text) == len(latin_text) + 2 * len(cjk_text)


@given(emoji)
def test_every_emoji_counts_two_however_many_code_points_it_has(emojis):
    assert weighted_length("".join(emojis)) == 2 * len(emojis)


@given(latin, urls, latin)
def test_a_link_counts_23_whatever_its_length(before, url, after):
    text = f"{before} {url} {after}"
    assert weighted_length(text) == len(before) + 1 + URL_LENGTH + 1 + len(after)


@given(st.lists(st.one_of(latin, cjk, emoji.map("".join), urls.map(lambda u: f" {u} "))))
def test_a_post_fits_exactly_when_its_weighted_length_is_at_most_280(parts):
    text = "".join(parts)
    x = X("examplepolice", {}, {"token": "t"})
    measure = x.measure(text)
    assert measure.counts == ((weighted_length(text), LIMIT, "weighted characters"),)
    assert measure.fits == (weighted_length(text) <= 280)


@given(latin)
def test_text_is_counted_after_nfc_normalisation(text):
    decomposed = unicodedata.normalize("NFD", text)
    assert weighted_length(decomposed) == weighted_length(text)


@given(latin, urls, urls)
def test_wordings_that_differ_only_in_their_links_compare_equal(words, one, other):
    x = X("examplepolice", {}, {"token": "t"})
    assert x.comparable(f"{words} {one}") == x.comparable(f"{words} {other}")
    assert without_links(words) == words


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("a" * 280, 280),
        ("日" * 140, 280),
        ("😂" * 140, 280),
        ("https://example.police.uk/" + "a" * 500, 23),
        ("example.police.uk", 23),  # X links a domain even without a scheme
        ("cafe\u0301", 4),
        ("€", 2),  # outside X's weight-1 ranges, as most symbols and scripts are
    ],
)
def test_xs_documented_examples(text, weight):
    assert weighted_length(text) == weight


# twitter-text's own conformance suite (validate.yml), read in place from the shared copy.
def _weighted_cases() -> list:
    import yaml

    suite = yaml.safe_load((conformance_dir() / "twitter-text" / "validate.yml").read_text())
    # X counts by twitter-text's current configuration (v3, emoji discounted); the suite's
    # WeightedTweetsCounterTest is the older v2 configuration.
    groups = ("WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest")
    return [
        pytest.param(case["text"], case["expected"], id=f"{group}: {case['description']}")
        for group in groups
        for case in suite["tests"][group]
    ]


@pytest.mark.parametrize(("text", "expected"), _weighted_cases())
def test_twitter_texts_conformance_suite(text, expected):
    assert weighted_length(text) == expected["weightedLength"]
    if text:  # an empty post is refused before it is ever measured
        assert X("h", {}, {}).measure(text).fits == expected["valid"]
