"""User names are plain ASCII, so that no name can pass for another (``ѕam`` beside ``sam``)."""

import string

import pytest
from django.contrib.auth.models import User
from hypothesis import given
from hypothesis import strategies as st

from amends.actions import AddUser
from amends.desk.names import ALLOWED, check_user_name
from amends.errors import BadInput, Refused

allowed_names = st.text(alphabet="".join(sorted(ALLOWED)), min_size=1, max_size=150)


@given(allowed_names)
def test_a_name_of_ascii_letters_digits_and_the_allowed_marks_is_accepted(name):
    assert check_user_name(name) == name


@given(
    before=st.text(alphabet=string.ascii_lowercase, max_size=10),
    other=st.characters(blacklist_characters="".join(ALLOWED)),
    after=st.text(alphabet=string.ascii_lowercase, max_size=10),
)
def test_any_other_character_is_refused_by_name_in_one_line(before, other, after):
    with pytest.raises(BadInput) as refused:
        check_user_name(before + other + after)
    message = refused.value.message
    assert refused.value.field == "name"
    assert message.startswith(f"name: U+{ord(other):04X} ")
    assert "\n" not in message
    assert "use only the letters a to z" in message


@given(
    latin=st.text(alphabet=string.ascii_letters, min_size=1, max_size=10),
    cyrillic=st.text(alphabet="аеорсхуѕіјԁԛԝ", min_size=1, max_size=3),
)
def test_a_name_that_mixes_latin_with_cyrillic_is_refused(latin, cyrillic):
    with pytest.raises(BadInput):
        check_user_name(latin + cyrillic)
    with pytest.raises(BadInput):
        check_user_name(cyrillic + latin)


def test_the_refusal_names_the_lookalike_letter():
    with pytest.raises(BadInput) as refused:
        check_user_name("ѕam")
    assert str(refused.value) == (
        "name: U+0455 CYRILLIC SMALL LETTER DZE is not allowed; "
        "use only the letters a to z, digits and . _ - @ + (no spaces)"
    )


@pytest.mark.parametrize("name", ["", "a" * 151, None, 7])
def test_an_empty_or_overlong_name_is_refused(name):
    with pytest.raises(BadInput):
        check_user_name(name)


def test_a_lookalike_of_sam_cannot_be_added(people):
    with pytest.raises(BadInput, match="CYRILLIC SMALL LETTER DZE"):
        AddUser(people.adam, name="ѕam", role="admin").run()
    assert not User.objects.filter(username="ѕam").exists()


def test_a_name_differing_only_in_capitals_cannot_be_added(people):
    with pytest.raises(Refused) as refused:
        AddUser(people.adam, name="Sam", role="admin").run()
    assert str(refused.value) == (
        "name: there is already a user sam (names may not differ only in capitals)"
    )
    assert not User.objects.filter(username="Sam").exists()


def test_the_desk_shows_the_refusal_beside_the_name(people, client):
    client.force_login(people.adam)
    data = {"name": "ѕam", "role": "author", "password": "a long and unusual passphrase"}
    response = client.post("/desk/people/add/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="error" id="add-user-name-error">' in html
    assert "U+0455 CYRILLIC SMALL LETTER DZE is not allowed" in html
    assert not User.objects.filter(username="ѕam").exists()
