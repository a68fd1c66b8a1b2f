"""People and accounts in the desk: admins only, every change an action, every refusal shown."""

import json
import re

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client

from amends.actions import AddAccount
from amends.connectors import CONNECTORS
from amends.desk.models import Account, AuthenticatorApp
from amends.record import api as record

PASSWORD = "a long and unusual passphrase"
NEW_PASSWORD = "another quite different phrase"


@pytest.fixture
def admin(people, client):
    client.force_login(people.adam)
    return client


def last_entry() -> dict:
    return json.loads(record.entries(0, 10_000)[-1].leaf)


def roles(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def field_error(html: str, form: str, field: str) -> str:
    """The error shown beside one field, checked to be tied to its input."""
    found = re.search(rf'<p class="error" id="{form}-{field}-error">(.*?)</p>', html)
    assert found, f"no error beside {form}-{field}"
    tag = re.search(rf'<(?:input|select)[^>]*id="{form}-{field}"[^>]*>', html).group(0)
    assert f"{form}-{field}-error" in tag
    assert 'aria-invalid="true"' in tag
    return found.group(1)


def form_error(html: str, form: str) -> str:
    found = re.search(rf'<p class="error" role="alert" id="{form}-error">(.*?)</p>', html)
    assert found, f"no error at the top of form {form}"
    return found.group(1)


# --- who may do what -------------------------------------------------------------------------

PAGES = [
    ("get", "/desk/people/", {}, 200),
    ("get", "/desk/people/{alice}/", {}, 200),
    ("post", "/desk/people/add/", {"name": "bob", "role": "author", "password": PASSWORD}, 302),
    (
        "post",
        "/desk/people/accounts/add/",
        {"platform": "house", "handle": "alerts", "name": "Alerts"},
        302,
    ),
    ("post", "/desk/people/{alice}/role/", {"role": "supervisor"}, 302),
    ("post", "/desk/people/{alice}/active/", {"active": "no", "confirmed": "1"}, 302),
    ("post", "/desk/people/{alice}/password/", {"password": PASSWORD}, 302),
    ("post", "/desk/people/{alice}/second-factor/remove/", {}, 302),
]


def state() -> tuple:
    alice = User.objects.get(username="alice")
    return (
        sorted(User.objects.values_list("username", flat=True)),
        sorted(Account.objects.values_list("handle", flat=True)),
        roles(alice),
        alice.is_active,
        alice.password,
        AuthenticatorApp.objects.filter(user=alice).count(),
        record.size(),
    )


@pytest.mark.parametrize(("method", "url", "data", "admin_status"), PAGES)
@pytest.mark.parametrize("persona", [None, "alice", "sam", "fiona", "adam", "olly"])
def test_people_pages_are_for_admins_only(people, client, persona, method, url, data, admin_status):
    url = url.format(alice=people.alice.pk)
    AuthenticatorApp.start(people.alice, name="app", confirmed=True)
    if persona:
        client.force_login(getattr(people, persona))
    before = state()
    response = getattr(client, method)(url, data)
    if persona is None:
        assert response.status_code == 302
        assert response["Location"] == f"/desk/sign-in/?next={url}"
    elif persona != "adam":
        assert response.status_code == 403
        assert "This page is for admins." in response.content.decode()
    else:
        assert response.status_code == admin_status
    changed = state() != before
    assert changed == (persona == "adam" and method == "post")


def test_the_people_views_declare_admin_only():
    from amends.web.views import people

    for view in [
        people.index,
        people.add_user,
        people.add_account,
        people.person,
        people.set_role,
        people.set_active,
        people.set_password,
        people.clear_second_factor,
    ]:
        assert view.desk_roles == ("admin",), view.__name__


# --- people ----------------------------------------------------------------------------------


def test_the_list_shows_role_sign_in_state_second_factor_and_last_sign_in(people, admin):
    AuthenticatorApp.start(people.fiona, name="app", confirmed=True)
    people.sam.is_active = False
    people.sam.save()
    html = admin.get("/desk/people/").content.decode()
    rows = {
        name: re.sub(r"<[^>]+>|\s+", " ", row).split()
        for name, row in re.findall(
            r'<th scope="row"><a href="[^"]+"><bdi>(\w+)</bdi></a></th>(.*?)</tr>', html, re.S
        )
    }
    assert rows["alice"] == ["author", "yes", "no", "never"]
    assert rows["fiona"] == ["auditor", "yes", "yes", "never"]
    assert rows["sam"] == ["supervisor", "no", "(deactivated)", "no", "never"]
    assert rows["olly"] == ["no", "role", "yes", "no", "never"]
    assert rows["adam"][:3] == ["admin", "yes", "no"]
    assert "<code>house:news</code>" in html
    assert "Example Police" in html


def test_an_admin_adds_a_person_who_can_then_sign_in(people, admin):
    data = {"name": "bob", "role": "supervisor", "password": PASSWORD}
    response = admin.post("/desk/people/add/", data, follow=True)
    assert response.redirect_chain == [("/desk/people/", 302)]
    assert "bob can now sign in as supervisor." in response.content.decode()
    bob = User.objects.get(username="bob")
    assert roles(bob) == {"supervisor"}
    assert bob.password.startswith("argon2$argon2id$")
    entry = last_entry()
    assert (entry["kind"], entry["actor"], entry["data"]) == (
        "user.added",
        "adam",
        {"user": "bob", "role": "supervisor"},
    )
    assert PASSWORD not in json.dumps(entry)
    browser = Client()
    signed = browser.post("/desk/sign-in/", {"username": "bob", "password": PASSWORD})
    assert signed.status_code == 302
    assert browser.get("/desk/me/").status_code == 200


@pytest.mark.parametrize(
    ("data", "status", "field", "message"),
    [
        ({"name": "bob", "role": "author", "password": "Zq9-tiny"}, 400, "password", "too short"),
        (
            {"name": "bob", "role": "author", "password": "password1234"},
            400,
            "password",
            "too common",
        ),
        (
            {"name": "bobsmithson", "role": "author", "password": "bobsmithson1!"},
            400,
            "password",
            "similar",
        ),
        ({"name": "bob smith", "role": "author", "password": PASSWORD}, 400, "name", "no spaces"),
        ({"name": "bob", "role": "king", "password": PASSWORD}, 400, "role", "must be author"),
        ({"name": "alice", "role": "author", "password": PASSWORD}, 409, "name", "already a user"),
    ],
)
def test_a_person_who_cannot_be_added_is_explained_beside_the_field(
    people, admin, data, status, field, message
):
    before = state()
    response = admin.post("/desk/people/add/", data)
    assert response.status_code == status
    html = response.content.decode()
    assert message in field_error(html, "add-user", field)
    assert html.count('aria-invalid="true"') == 1
    assert "<title>Error: People and accounts" in html
    # What was typed comes back, except the password.
    assert f'value="{data["name"]}"' in html
    assert data["password"] not in html
    assert state() == before


def test_an_admin_changes_a_role_which_replaces_the_old_one(people, admin):
    response = admin.post(f"/desk/people/{people.alice.pk}/role/", {"role": "supervisor"})
    assert response["Location"] == f"/desk/people/{people.alice.pk}/"
    assert roles(people.alice) == {"supervisor"}
    assert last_entry()["data"] == {"user": "alice", "role": "supervisor", "was": ["author"]}
    again = admin.post(f"/desk/people/{people.alice.pk}/role/", {"role": "supervisor"})
    assert again.status_code == 409
    assert "alice is already supervisor" in field_error(again.content.decode(), "role", "role")
    bad = admin.post(f"/desk/people/{people.alice.pk}/role/", {"role": "king"})
    assert bad.status_code == 400
    assert roles(people.alice) == {"supervisor"}


def test_a_person_without_a_role_can_be_given_one(people, admin):
    admin.post(f"/desk/people/{people.olly.pk}/role/", {"role": "auditor"})
    assert roles(people.olly) == {"auditor"}
    assert last_entry()["data"]["was"] == []


def test_deactivating_someone_ends_their_sessions_at_once(people, admin):
    people.alice.set_password(PASSWORD)
    people.alice.save()
    browser = Client()
    browser.post("/desk/sign-in/", {"username": "alice", "password": PASSWORD})
    assert browser.get("/desk/me/").status_code == 200
    response = admin.post(
        f"/desk/people/{people.alice.pk}/active/", {"active": "no", "confirmed": "1"}, follow=True
    )
    assert "alice is deactivated and has been signed out everywhere." in response.content.decode()
    assert not [
        s
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(people.alice.pk)
    ]
    assert browser.get("/desk/me/")["Location"] == "/desk/sign-in/?next=/desk/me/"
    refused = browser.post("/desk/sign-in/", {"username": "alice", "password": PASSWORD})
    assert refused.status_code == 400
    assert last_entry()["kind"] == "user.deactivated"
    # The admin's own session is untouched, and alice can be let back in.
    admin.post(f"/desk/people/{people.alice.pk}/active/", {"active": "yes"})
    assert last_entry()["kind"] == "user.reactivated"
    assert (
        browser.post("/desk/sign-in/", {"username": "alice", "password": PASSWORD}).status_code
        == 302
    )


def test_an_admin_cannot_deactivate_or_demote_themselves(people, admin):
    url = f"/desk/people/{people.adam.pk}/"
    size = record.size()
    response = admin.post(url + "active/", {"active": "no"})
    assert response.status_code == 409
    assert "you cannot deactivate yourself" in form_error(response.content.decode(), "active")
    response = admin.post(url + "role/", {"role": "author"})
    assert response.status_code == 409
    assert "you cannot change your own role" in form_error(response.content.decode(), "role")
    response = admin.post(url + "password/", {"password": NEW_PASSWORD})
    assert response.status_code == 409
    people.adam.refresh_from_db()
    assert people.adam.is_active
    assert roles(people.adam) == {"admin"}
    assert record.size() == size
    assert admin.get("/desk/people/").status_code == 200


def test_deactivating_someone_twice_is_refused(people, admin):
    url = f"/desk/people/{people.alice.pk}/active/"
    admin.post(url, {"active": "no", "confirmed": "1"})
    response = admin.post(url, {"active": "no", "confirmed": "1"})
    assert response.status_code == 409
    assert "alice is already deactivated" in form_error(response.content.decode(), "active")


def test_an_admin_sets_a_new_password_which_ends_the_old_sessions(people, admin):
    browser = Client()
    browser.force_login(people.alice)
    response = admin.post(f"/desk/people/{people.alice.pk}/password/", {"password": "short"})
    assert response.status_code == 400
    assert "too short" in field_error(response.content.decode(), "password", "password")
    assert browser.get("/desk/me/").status_code == 200
    response = admin.post(f"/desk/people/{people.alice.pk}/password/", {"password": NEW_PASSWORD})
    assert response.status_code == 302
    people.alice.refresh_from_db()
    assert people.alice.check_password(NEW_PASSWORD)
    assert people.alice.password.startswith("argon2$")
    assert browser.get("/desk/me/").status_code == 302
    assert last_entry()["kind"] == "user.password_set"
    assert NEW_PASSWORD not in json.dumps(last_entry())


def test_an_admin_turns_off_a_lost_second_factor(people, admin):
    AuthenticatorApp.start(people.alice, name="app", confirmed=True)
    url = f"/desk/people/{people.alice.pk}/second-factor/remove/"
    response = admin.post(url, follow=True)
    assert "The second factor of alice is off" in response.content.decode()
    assert not AuthenticatorApp.objects.filter(user=people.alice).exists()
    entry = last_entry()
    assert (entry["kind"], entry["actor"]) == ("user.second_factor_removed", "adam")
    again = admin.post(url)
    assert again.status_code == 409
    assert "alice has no second factor" in form_error(again.content.decode(), "second-factor")
    people.alice.set_password(PASSWORD)
    people.alice.save()
    browser = Client()
    signed = browser.post("/desk/sign-in/", {"username": "alice", "password": PASSWORD})
    assert signed["Location"] == "/desk/"


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "", {}),
        ("post", "role/", {"role": "author"}),
        ("post", "active/", {"active": "no"}),
        ("post", "password/", {"password": PASSWORD}),
        ("post", "second-factor/remove/", {}),
    ],
)
def test_an_unknown_person_is_404(people, admin, method, path, data):
    response = getattr(admin, method)(f"/desk/people/999999/{path}", data)
    assert response.status_code == 404
    assert "There is no user 999999." in response.content.decode()


# --- accounts --------------------------------------------------------------------------------


def test_an_admin_adds_an_account(people, admin):
    data = {"platform": "house", "handle": "alerts", "name": "Example Police alerts"}
    response = admin.post("/desk/people/accounts/add/", data, follow=True)
    assert "Account house:alerts added." in response.content.decode()
    assert "<code>house:alerts</code>" in response.content.decode()
    account = Account.objects.get(handle="alerts")
    assert (account.platform, account.name) == ("house", "Example Police alerts")
    entry = last_entry()
    assert (entry["kind"], entry["actor"], entry["subject"]) == (
        "account.added",
        "adam",
        "account:house:alerts",
    )


@pytest.mark.parametrize(
    ("data", "status", "field", "message"),
    [
        ({"platform": "house", "handle": "a b", "name": ""}, 400, "handle", "letters, digits"),
        ({"platform": "house", "handle": "", "name": ""}, 400, "handle", "letters, digits"),
        ({"platform": "house", "handle": "news", "name": ""}, 409, "handle", "exists already"),
        ({"platform": "house", "handle": "x", "name": "n" * 201}, 400, "name", "200 characters"),
    ],
)
def test_an_account_that_cannot_be_added_is_explained_beside_the_field(
    people, admin, data, status, field, message
):
    before = state()
    response = admin.post("/desk/people/accounts/add/", data)
    assert response.status_code == status
    assert message in field_error(response.content.decode(), "add-account", field)
    assert state() == before


def test_an_unknown_platform_is_refused_with_the_allowed_ones(people, admin):
    data = {"platform": "myspace", "handle": "x", "name": ""}
    response = admin.post("/desk/people/accounts/add/", data)
    assert response.status_code == 400
    every = ", ".join(sorted(CONNECTORS))  # the registry's platforms, each named
    assert f"allowed: {every}" in response.content.decode()
    assert not Account.objects.filter(handle="x").exists()


def test_an_account_name_is_shown_escaped(people, admin):
    payload = "<script>alert(1)</script>"
    admin.post("/desk/people/accounts/add/", {"platform": "house", "handle": "x", "name": payload})
    assert Account.objects.get(handle="x").name == payload
    html = admin.get("/desk/people/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert payload not in html


def test_a_refused_account_name_comes_back_escaped(people, admin):
    payload = '"><script>alert(1)</script>'
    data = {"platform": "house", "handle": "a b", "name": payload}
    html = admin.post("/desk/people/accounts/add/", data).content.decode()
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert "<script>alert(1)" not in html


def test_an_admin_connects_a_platform_account_and_its_secret_is_never_shown(people):
    from amends.connectors.credentials import unlock

    admin = Client()
    admin.force_login(people.adam)
    missing = admin.post(
        "/desk/people/accounts/add/",
        {"platform": "bluesky", "handle": "police.test", "password": "app-pass-1234"},
    )
    assert missing.status_code == 400
    page = missing.content.decode()
    assert "needs the PDS URL" in page
    assert "app-pass-1234" not in page
    assert not Account.objects.filter(platform="bluesky").exists()

    added = admin.post(
        "/desk/people/accounts/add/",
        {
            "platform": "bluesky",
            "handle": "police.test",
            "server": "https://pds.example",
            "password": "app-pass-1234",
        },
    )
    assert added.status_code == 302
    account = Account.objects.get(platform="bluesky")
    assert account.settings == {"server": "https://pds.example"}
    assert unlock(account.secrets) == {"password": "app-pass-1234"}
    assert "app-pass-1234" not in admin.get("/desk/people/").content.decode()


def test_an_admin_checks_an_account_against_its_platform(people, pds):
    import uuid

    handle = f"c{uuid.uuid4().hex[:10]}.test"
    did, _ = pds.create_account(handle, "a good app password")
    for name, password in (("good", "a good app password"), ("bad", "a wrong one")):
        AddAccount(
            None,
            key=f"bluesky:{name}.{handle}" if name == "bad" else f"bluesky:{handle}",
            settings={"server": pds.url},
            secrets={"password": password},
            as_operator=True,
        ).run()
    good = Account.objects.get(handle=handle)
    bad = Account.objects.get(handle=f"bad.{handle}")
    author = Client()
    author.force_login(people.alice)
    assert author.post(f"/desk/people/accounts/{good.pk}/check/").status_code == 403

    admin = Client()
    admin.force_login(people.adam)
    page = admin.post(f"/desk/people/accounts/{good.pk}/check/", follow=True).content.decode()
    assert f"Account bluesky:{handle} works." in page
    good.refresh_from_db()
    assert good.settings["did"] == did
    page = admin.post(f"/desk/people/accounts/{bad.pk}/check/", follow=True).content.decode()
    assert "does not work" in page
    assert "a wrong one" not in page
    assert admin.post("/desk/people/accounts/999/check/").status_code == 404


def test_deactivating_a_person_is_confirmed_on_a_page_of_its_own(people, client):
    client.force_login(people.adam)
    size = record.size()
    asked = client.post(f"/desk/people/{people.alice.pk}/active/", {"active": "no"})
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "Deactivate <bdi>alice</bdi>?" in page
    assert "Warning: </span>They are signed out everywhere at once" in page
    assert User.objects.get(username="alice").is_active  # nothing changed yet
    assert record.size() == size
    done = client.post(
        f"/desk/people/{people.alice.pk}/active/", {"active": "no", "confirmed": "1"}
    )
    assert done.status_code == 302
    assert not User.objects.get(username="alice").is_active
