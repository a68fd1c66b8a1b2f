"""Links in a post's words made links on the public page: escaped, http(s) only, punctuation
that ends a sentence left out."""

import re
from html import unescape

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.text.linkify import linkify, links

pytestmark = pytest.mark.once  # pure


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "Details: https://police.uk/appeal.",
            'Details: <a href="https://police.uk/appeal" rel="nofollow noopener">'
            "https://police.uk/appeal</a>.",
        ),
        (
            "(see https://police.uk/a_(b))",
            '(see <a href="https://police.uk/a_(b)" rel="nofollow noopener">'
            "https://police.uk/a_(b)</a>)",
        ),
        ("javascript:alert(1) and <b>", "javascript:alert(1) and &lt;b&gt;"),
        (
            "a\nhttps://x.uk/?a=1&b=2",
            'a<br>\n<a href="https://x.uk/?a=1&amp;b=2" rel="nofollow noopener">'
            "https://x.uk/?a=1&amp;b=2</a>",
        ),
        ("https:// alone", "https:// alone"),
    ],
)
def test_links_in_posts(text, html):
    assert linkify(text) == html


pieces = st.sampled_from([*"ab <>&\"'.,()\n:/", "https://", "http://", "x.uk", "javascript:"])


@given(st.lists(pieces, max_size=30).map("".join))
def test_the_words_are_kept_and_nothing_else_becomes_markup(text):
    html = linkify(text)
    # Taken apart again, the page says exactly the post's words.
    words = re.sub(r"<a [^>]*>|</a>", "", html).replace("<br>\n", "\n")
    assert unescape(words) == text
    # No tag but the links and line breaks.
    assert "<" not in words
    assert ">" not in words
    for href in re.findall(r'href="([^"]*)"', html):
        assert unescape(href).startswith(("http://", "https://"))
        assert unescape(href) in text


@given(st.lists(pieces, max_size=30).map("".join))
def test_the_addresses_a_post_links_to_are_the_links_on_its_page(text):
    # What the post's page links to is what Webmentions are sent to: the same, each once.
    hrefs = [unescape(h) for h in re.findall(r'href="([^"]*)"', linkify(text))]
    assert links(text) == list(dict.fromkeys(hrefs))
