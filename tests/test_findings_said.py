"""The checkers' findings as the desk says them: word for word the checker's own message in
English, and in Welsh on a Welsh page, quoting the same words."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from amends.text import personal
from amends.text.apology import check_apology
from amends.web.findings import said

pytestmark = pytest.mark.once  # the same whatever the database

PIECES = [
    "We are sorry.",
    "Sorry if anyone was offended.",
    "Mistakes were made.",
    "The date we gave was wrong.",
    "Our supplier got it wrong.",
    "Call 07700 900123.",
    "Write to jo@example.com.",
    "Born on 4 May 1990.",
    "Mae'n ddrwg gennym.",
    "Thanks.",
]


@given(st.lists(st.sampled_from(PIECES), max_size=6), st.integers(min_value=5, max_value=400))
def test_in_english_the_desk_says_exactly_what_the_checker_says(pieces, limit):
    text = " ".join(pieces)
    findings = check_apology(text, limit=limit) + personal.find(text)
    with translation.override("en-gb"):
        assert [said(f) for f in findings] == [f.message for f in findings]


@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=6))
def test_in_welsh_every_finding_is_said_in_welsh_quoting_the_same_words(pieces):
    text = " ".join(pieces)
    findings = check_apology(text, limit=20) + personal.find(text)
    with translation.override("cy"):
        for finding in findings:
            welsh = said(finding)
            assert welsh != finding.message
            assert getattr(finding, "found", "") in welsh


def test_a_welsh_apology_check_on_the_desk_answers_in_welsh(client, people):
    from amends.actions import Publish

    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    client.force_login(people.alice)
    client.cookies["django_language"] = "cy"
    page = client.post(
        f"/desk/posts/{post.pk}/apologise/check/",
        {"text": "Sori os cafodd unrhyw un ei dramgwyddo."},
    ).content.decode()
    assert "<strong>Gwall:</strong> ymddiheuriad amodol neu sy&#x27;n bychanu (“Sori os”)" in page
    assert "<strong>Rhybudd:</strong> nid yw&#x27;n dweud beth oedd o&#x27;i le" in page
