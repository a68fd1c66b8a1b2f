"""Characters XML 1.0 does not allow are refused where text is typed (security issue, finding 6):
one control character from Word used to make the Atom feed invalid for every subscriber."""

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.actions import Correct, OpenIncident, Publish
from amends.desk.models import Post
from amends.errors import BadInput
from amends.record import api as record
from amends.text.chars import describe, first_not_allowed

FORBIDDEN = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]


def xml_allows(char: str) -> bool:
    """XML 1.0's Char production, written out as the specification writes it."""
    c = ord(char)
    return (
        c in (0x9, 0xA, 0xD)
        or 0x20 <= c <= 0xD7FF
        or 0xE000 <= c <= 0xFFFD
        or 0x10000 <= c <= 0x10FFFF
    )


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=50))
def test_the_check_agrees_with_the_xml_specification(text):
    expected = next((c for c in text if not xml_allows(c)), None)
    assert first_not_allowed(text) == expected


@pytest.mark.parametrize("char", FORBIDDEN)
def test_every_control_character_is_found_and_named(char):
    assert first_not_allowed(f"Closes on 4{char} May.") == char
    assert describe(char).startswith(f"U+{ord(char):04X} (")


def test_tabs_line_breaks_and_emoji_are_allowed():
    assert first_not_allowed("Road closed:\tA38\r\nUse the A30 👮‍♀️ — thank you.") is None


@pytest.mark.parametrize(
    ("char", "named"), [("\x0b", "U+000B (vertical tab)"), ("\x1b", "U+001B (escape)")]
)
def test_a_post_with_a_control_character_is_refused_and_nothing_changes(people, char, named):
    before = (record.size(), Post.objects.count())
    message = f"text: must not contain the control character {named}; use ordinary spaces"
    with pytest.raises(BadInput, match=f"^{re.escape(message)}"):
        Publish(people.alice, account="house:news", text=f"Closes on 4{char}May.").run()
    assert (record.size(), Post.objects.count()) == before


def test_every_field_people_type_is_checked(people):
    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    with pytest.raises(BadInput, match=r"^reason: "):
        Correct(people.alice, post=post.pk, text="Closes on 14 May.", reason="Typo\x07").run()
    with pytest.raises(BadInput, match=r"^summary: "):
        OpenIncident(
            people.alice,
            post=post.pk,
            kind="fact",
            severity="minor",
            summary="Date\x08",
            rationale="Opened for the test.",
        ).run()


def test_the_feed_stays_valid_xml(client, people):
    Publish(people.alice, account="house:news", text="Closes on 4 May.\tCall 101.").run()
    response = client.get("/feed.atom")
    assert response.status_code == 200
    ET.fromstring(b"".join(response.streaming_content) if response.streaming else response.content)
