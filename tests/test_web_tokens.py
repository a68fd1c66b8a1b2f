"""The API tokens page at /desk/me/tokens/: list, create (shown once), revoke."""

import pytest
from django.test import Client

from amends.api.models import ApiToken
from tests.support.api import Api, error, ok

PAGE = "/desk/me/tokens/"


@pytest.fixture
def alice(people):
    client = Client()
    client.force_login(people.alice)
    return client


def _secret(html: str) -> str:
    start = html.index('id="issued-token" value="') + len('id="issued-token" value="')
    return html[start : html.index('"', start)]


def test_a_new_token_is_shown_once_with_a_warning_and_works(alice):
    response = alice.post(f"{PAGE}new/", {"name": "newsroom laptop"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Copy it now." in html
    secret = _secret(html)
    assert ok(Api(secret).get("/api/tokens"))["tokens"][0]["name"] == "newsroom laptop"
    listed = alice.get(PAGE).content.decode()
    assert "newsroom laptop" in listed
    assert secret not in listed
    assert secret.split("_", 2)[2] not in listed
    assert ApiToken.objects.get().shown in listed


def test_revoking_a_token_stops_it_at_once(alice, people):
    secret = ApiToken.issue(people.alice, "old")[1]
    token = ApiToken.objects.get()
    response = alice.post(f"{PAGE}{token.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert "was revoked" in error(Api(secret).get("/api/posts"), 401)["message"]
    page = alice.get(PAGE).content.decode()
    assert f"Token {token.shown} is revoked; it no longer works." in page
    assert "revoked " in page
    assert f"/desk/me/tokens/{token.pk}/revoke/" not in page


def test_someone_elses_token_cannot_be_revoked_here(alice, people):
    theirs = ApiToken.issue(people.sam, "sam's")[0]
    response = alice.post(f"{PAGE}{theirs.pk}/revoke/")
    assert response.status_code == 403
    assert "only its owner or an admin may revoke token" in response.content.decode()
    assert ApiToken.objects.get(pk=theirs.pk).is_active


def test_a_bad_name_is_shown_beside_its_field_and_kept(alice):
    response = alice.post(f"{PAGE}new/", {"name": "x" * 101})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="new-token-name-error"' in html
    assert "The token&#x27;s name must be 100 characters or fewer" in html
    assert 'value="' + "x" * 101 + '"' in html
    assert not ApiToken.objects.exists()


def test_markup_in_a_token_name_is_escaped(alice):
    alice.post(f"{PAGE}new/", {"name": "<script>alert(1)</script>"})
    html = alice.get(PAGE).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_only_ones_own_tokens_are_listed(alice, people):
    ApiToken.issue(people.sam, "sam's laptop")
    ApiToken.issue(people.alice, "alice's laptop")
    html = alice.get(PAGE).content.decode()
    assert "alice&#x27;s laptop" in html
    assert "sam&#x27;s laptop" not in html


def test_forms_need_the_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.alice)
    assert client.post(f"{PAGE}new/", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()
    page = client.get(PAGE).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= 2


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 302), ("olly", 403), ("alice", 200), ("sam", 200), ("fiona", 200), ("adam", 200)],
)
def test_who_may_see_the_page(people, who, status):
    client = Client()
    if who:
        client.force_login(getattr(people, who))
    response = client.get(PAGE)
    assert response.status_code == status
    if who is None:
        assert response["Location"].startswith("/desk/sign-in/")


@pytest.mark.parametrize(("who", "status"), [(None, 302), ("olly", 403), ("fiona", 200)])
def test_who_may_create_a_token_here(people, who, status):
    client = Client()
    if who:
        client.force_login(getattr(people, who))
    assert client.post(f"{PAGE}new/", {"name": "x"}).status_code == status
    assert ApiToken.objects.exists() == (status == 200)


def test_pages_only_answer_posts_where_they_change_things(alice):
    assert alice.get(f"{PAGE}new/").status_code == 405
    assert alice.get(f"{PAGE}1/revoke/").status_code == 405
