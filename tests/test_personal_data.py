"""The personal-data detector: named examples from police posts, and properties."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.text.personal import KINDS, find

FOUND = [
    ("Ring Dave on 07700 900123 tonight.", "phone", "07700 900123"),
    ("Call +44 (0)20 7946 0958 for details.", "phone", "+44 (0)20 7946 0958"),
    ("Her number is 0113-496-0000.", "phone", "0113-496-0000"),
    ("He lives at 12 Acacia Avenue, Leeds.", "address", "12 Acacia Avenue"),
    ("Flat 3, 27 Station Road was searched.", "address", "Flat 3, 27 Station Road"),
    ("The address is 4 High St, LS1 4AB.", "address", "4 High St, LS1 4AB"),
    ("Found at 221b, near NW1 6XE.", "address", "221b, near NW1 6XE"),
    ("A silver Ford, reg AB12 CDE, was seen.", "vehicle", "AB12 CDE"),
    ("The van, P123 ABC, left at speed.", "vehicle", "P123 ABC"),
    ("Email jane.smith@gmail.com with anything.", "email", "jane.smith@gmail.com"),
    ("John Smith, DOB 12/03/1990, was arrested.", "birth", "DOB 12/03/1990"),
    ("A man born on 4 May 1987 was charged.", "birth", "born on 4 May 1987"),
    ("Date of birth: 1st January 2001.", "birth", "Date of birth: 1st January 2001"),
]
NOT_FOUND = [
    "Call 101, or 999 in an emergency.",
    "Or Crimestoppers, anonymously, on 0800 555 111.",
    "Road closed near LS1 4AB until 5pm.",
    "The appeal closes on 4 May 2026.",
    "The M62 is closed. Use the A64 and the B1234.",
    "Write to press@westyorkshire.police.uk or foi@example.gov.uk.",
    "Officers made 12 arrests and seized 3 cars.",
    "Thank you to the 400 people who came.",
]


@pytest.mark.parametrize(("text", "kind", "words"), FOUND)
def test_personal_data_in_police_posts_is_found(text, kind, words):
    [finding] = [f for f in find(text) if f.kind == kind]
    assert finding.found == words
    assert text[finding.start : finding.end] == words
    assert KINDS[kind] in finding.message


@pytest.mark.parametrize("text", NOT_FOUND)
def test_what_police_publish_on_purpose_is_not_flagged(text):
    assert find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Jane Smith saw it happen.",
        "JANE SMITH saw it happen.",
        "Jane Smyth saw it happen.",  # a slip of a letter
        "Jané Smith saw it happen.",  # an accent
        "We spoke to Ms Smith.",  # the surname alone
    ],
)
def test_a_protected_name_is_found_however_it_is_written(text):
    findings = find(text, ["Jane Smith"])
    assert [f.kind for f in findings] == ["name"]
    assert "protected" in findings[0].message


def test_other_names_are_not_taken_for_a_protected_one():
    assert find("Jack Smart and Joan Small were there.", ["Jane Smith"]) == []


safe_text = st.text(
    alphabet=st.characters(blacklist_categories=["Nd", "No", "Nl", "Cs"], blacklist_characters="@"),
    max_size=200,
)


@given(safe_text)
def test_text_without_digits_or_at_signs_has_no_personal_data_but_names(text):
    assert find(text) == []


@given(safe_text, safe_text, st.from_regex(r"07[0-9]{3} ?[0-9]{6}", fullmatch=True))
def test_a_mobile_number_anywhere_is_found(before, after, number):
    text = f"{before} {number} {after}"
    assert number in [f.found for f in find(text) if f.kind == "phone"]


@given(
    safe_text,
    safe_text,
    st.lists(st.from_regex(r"[A-Z][a-z]{3,9}", fullmatch=True), min_size=1, max_size=3),
)
def test_a_protected_name_anywhere_is_found(before, after, parts):
    name = " ".join(parts)
    text = f"{before} {name.upper()} {after}"
    assert any(f.kind == "name" for f in find(text, [name]))


@given(st.text(max_size=300), st.lists(st.text(max_size=20), max_size=3))
def test_findings_are_in_order_and_never_overlap(text, protected):
    findings = find(text, protected)
    for f in findings:
        assert text[f.start : f.end] == f.found
    for a, b in itertools.pairwise(findings):
        assert a.end <= b.start


def test_the_command_line_warns_and_still_publishes(people):
    from tests.support.cli import run

    result = run(
        "post", "house:news", "--text", "Witness Jo Bloggs, 07700 900123.", "--as", "alice"
    )
    assert result.exit_code == 0
    assert "warning: text: “07700 900123” looks like a phone number" in result.stderr
    assert result.stdout.startswith("post ")


def test_the_correction_preview_warns_of_personal_data(client, people):
    from amends.actions import Publish

    post = Publish(people.alice, account="house:news", text="Call Dave on 07700 900123.").run()
    client.force_login(people.alice)
    response = client.post(
        f"/desk/posts/{post.pk}/correct/preview/", {"text": "Call 101.", "reason": "Wrong"}
    )
    assert response.status_code == 200
    assert "This may identify someone" in response.content.decode()
    assert "looks like a phone number" in response.content.decode()
    assert "ask for it to be deleted instead" in response.content.decode()
