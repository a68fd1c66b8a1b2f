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
    st.sampled_from(["uk", "com", "social", "police"]),
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
