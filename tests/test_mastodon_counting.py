"""How Mastodon counts a post: graphemes, every link as 23, a remote mention as its local part."""

from itertools import pairwise

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from amends.connectors.mastodon.counting import URL_LENGTH, entities, length, without_domains

pytestmark = pytest.mark.once  # the same whatever the database

# Words with no link or mention in them: letters, digits, punctuation, accents, CJK, emoji.
plain = st.text(
    alphabet=st.sampled_from(list("abc XYZ 019.,;!?'\"\n\té日本語👮🏽‍♀️🚓\u0301")), max_size=80
).filter(lambda text: "@" not in text and "://" not in text)
label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
host = st.builds(
    lambda parts, tld: ".".join([*parts, tld]),
    st.lists(label, min_size=1, max_size=3),
    st.sampled_from(["uk", "com", "social", "org"]),  # top-level domains twitter-text knows
)
path = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz0123456789/-_")), max_size=300
)
urls = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}/{path}",
    st.sampled_from(["https", "http"]),
    host,
    path,
)
usernames = st.from_regex(r"[a-z0-9_]{1,20}", fullmatch=True)


def graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


@given(plain)
def test_text_without_links_or_mentions_counts_its_graphemes(text):
    assert length(text) == graphemes(text)


@given(plain, urls, plain)
def test_a_link_counts_23_whatever_its_length(before, url, after):
    text = f"{before} {url} {after}"
    assert length(text) == graphemes(f"{before} ") + URL_LENGTH + graphemes(f" {after}")


@given(urls, st.integers(min_value=0, max_value=100))
def test_a_link_counts_what_the_instance_reserves(url, reserved):
    assert length(f"see {url}", url_length=reserved) == 4 + reserved


@given(usernames, host)
def test_a_remote_mention_counts_as_its_local_part(user, domain):
    assert length(f"thanks @{user}@{domain}") == length(f"thanks @{user}") == 8 + len(user)


@given(usernames, host)
def test_rendered_mentions_lose_their_domain(user, domain):
    assert without_domains(f"hi @{user}@{domain}!") == f"hi @{user}!"


@given(st.lists(st.one_of(plain, urls.map(lambda u: f" {u} ")), max_size=6).map("".join))
def test_entities_never_overlap_and_stay_in_order(text):
    found = entities(text)
    assert all(a[1] <= b[0] for a, b in pairwise(found))
    assert all(0 <= start < end <= len(text) for start, end, _ in found)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("https://police.example.uk/appeals/4-may.", 23 + 1),  # the full stop is not the link's
        ("(https://police.example.uk/a)", 1 + 23 + 1),
        ("https://police.example.uk/a_(b)", 23),  # balanced brackets belong to the link
        ("police.example.uk/appeals", 25),  # no scheme: Mastodon counts the letters
        ("mail@police.example.uk", 22),  # an address is not a mention
        ("@sam@police.example.uk.", 5),
        ("https://police.example.uk/@sam@elsewhere.example", 23),  # a mention inside a link
        ("👮🏽‍♀️", 1),
        ("e\u0301", 1),
    ],
)
def test_mastodons_own_edge_cases(text, count):
    assert length(text) == count


# Mastodon's own cases (spec/validators/status_length_validator_spec.rb), as lengths.
@pytest.mark.parametrize(
    ("text", "fits"),
    [
        ("a" * 476 + " http://" + "b" * 30 + ".com/example", True),  # a link counts 23
        ("a" * 475 + " @alice@" + "b" * 30 + ".com", True),  # only @alice counts
        ("http://example.com/valid?" + "#foo?" * 1000, False),  # over 4,096: not a link
        ("@alice@" + "b" * 500 + ".com", False),  # not a domain name: not a mention
        ("a" * 520, False),
    ],
)
def test_mastodons_status_length_validator_spec(text, fits):
    assert (length(text) <= 500) is fits


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("https://police.invalidtld/appeal", 32),  # an unknown top-level domain: no link
        ('https://police.uk/a?b="c"', 23 + 3),  # a query stops at a quote
        ("https://police.uk/a?b={c}", 23 + 3),  # and at braces
        ('https://police.uk/a"b"', 23 + 1),  # a path reads past it; the last one is not the link's
        ("https://पुलिस.भारत/अपील", 23),  # an Indic host name is all link
        ("police.uk/appeal", 16),  # no protocol: Mastodon counts the letters
        ("क्षत्रिय", 5),  # Ruby's Unicode 15.0: each conjunct is two clusters
        ("@sam@" + "a" * 64 + ".uk", 5 + 64 + 3),  # a label over 63: not a mention
        ("@sam@" + ".".join(["a" * 50] * 5) + ".uk", 5 + 254 + 3),  # over 253: not one
        ("@sam@" + ".".join(["a" * 50] * 4) + ".uk", 4),  # 206: a mention
    ],
)
def test_links_mentions_and_clusters_as_mastodon_finds_them(text, count):
    assert length(text) == count


def _tld_cases():
    import yaml

    from tests.support.conformance import conformance_dir

    data = yaml.safe_load((conformance_dir() / "twitter-text" / "tlds.yml").read_text())
    return [case["text"] for group in data["tests"].values() for case in group]


def test_every_top_level_domain_twitter_text_knows_makes_a_link():
    cases = _tld_cases()
    assert len(cases) > 1500
    missed = [text for text in cases if length(f"see {text}") != 4 + URL_LENGTH]
    assert missed == []
