"""API tokens may expire, and a new password revokes every token of its owner."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from django.test import Client
from django.utils import timezone

from amends.actions import ChangePassword, SetPassword
from amends.api.models import ApiToken
from amends.cli import main
from amends.record import api as record
from amends.text.when import said
from tests.support.api import Api, error, ok, token_for

PASSWORD = "a long and unusual passphrase"
NEW_PASSWORD = "another quite different phrase"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def expire(token_id: int) -> None:
    ApiToken.objects.filter(pk=token_id).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))


def revocations() -> list[dict]:
    """The leaves of every token.revoked entry."""
    return [json.loads(e.leaf) for e in record.entries(0, 10_000) if e.kind == "token.revoked"]


# --- expiry ----------------------------------------------------------------------------------


def test_a_token_made_to_expire_works_until_then_and_is_refused_after(people):
    created = ok(Api(token_for(people.alice)).post("/api/tokens", {"days": 30}), 201)
    assert created["state"] == "active"
    expires = datetime.fromisoformat(created["expires_at"])
    assert timedelta(days=29, hours=23) < expires - datetime.now(UTC) <= timedelta(days=30)
    assert ok(Api(created["token"]).get("/api/tokens"))
    expire(created["id"])
    refused = error(Api(created["token"]).get("/api/tokens"), 401)
    assert refused["field"] == "authorization"
    assert re.fullmatch(
        r"authorization: this token expired on \d{4}-\d\d-\d\d \d\d:\d\d UTC; create a new one",
        refused["message"],
    )
    listed = ok(Api(token_for(people.alice)).get("/api/tokens"))["tokens"]
    assert [t["state"] for t in listed if t["id"] == created["id"]] == ["expired"]


def test_a_token_without_days_never_expires(people):
    created = ok(Api(token_for(people.alice)).post("/api/tokens", {}), 201)
    assert created["expires_at"] is None


@pytest.mark.parametrize("days", [0, -1, 3651, "30", True, 1.5])
def test_days_out_of_range_or_not_a_number_are_refused_and_nothing_is_made(people, days):
    api = Api(token_for(people.alice))
    before = ApiToken.objects.count()
    refused = error(api.post("/api/tokens", {"days": days}), 400)
    assert refused["field"] == "days"
    assert ApiToken.objects.count() == before


def test_the_command_line_makes_and_lists_an_expiring_token(people):
    added = run("token", "add", "--as", "alice", "--days", "7")
    assert added.exit_code == 0, added.stderr
    said = added.stdout.splitlines()[1]
    assert re.search(r"; it expires \d{4}-\d\d-\d\dT\d\d:\d\d UTC; copy it now", said)
    listed = run("token", "list", "--as", "alice")
    assert "\texpires 20" in listed.stdout
    bad = run("token", "add", "--as", "alice", "--days", "0")
    assert bad.exit_code == 1
    assert bad.stderr == "error: days: must be a whole number of days from 1 to 3650 (got 0)\n"


def test_the_desk_makes_an_expiring_token_and_shows_when_it_expires(people):
    browser = Client()
    browser.force_login(people.alice)
    page = browser.post("/desk/me/tokens/new/", {"name": "script", "days": "90"})
    assert page.status_code == 200
    token = ApiToken.objects.get(user=people.alice)
    assert token.expires_at is not None
    html = browser.get("/desk/me/tokens/").content.decode()
    assert '<th scope="col">Expires</th>' in html
    # One way to write a time on the desk: "4 March 2027 at 9:15am GMT".
    assert said(token.expires_at, timezone.get_default_timezone()) in html
    expire(token.pk)
    html = browser.get("/desk/me/tokens/").content.decode()
    assert "expired</td>" in html
    assert f"/desk/me/tokens/{token.pk}/revoke/" not in html


def test_the_desk_shows_bad_days_beside_the_field(people):
    browser = Client()
    browser.force_login(people.alice)
    page = browser.post("/desk/me/tokens/new/", {"name": "script", "days": "soon"})
    assert page.status_code == 400
    html = page.content.decode()
    assert '<p class="error" id="new-token-days-error">' in html
    assert "Enter how many days the token lasts, from 1 to 3650" in html
    assert not ApiToken.objects.exists()


# --- a new password revokes the tokens -------------------------------------------------------


@pytest.fixture
def alice(people):
    people.alice.set_password(PASSWORD)
    people.alice.save()
    return people.alice


def test_changing_ones_password_revokes_ones_tokens_and_says_so(alice, people):
    mine = [token_for(alice, "one"), token_for(alice, "two")]
    theirs = token_for(people.sam)
    browser = Client()
    browser.force_login(alice)
    change = {"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD}
    response = browser.post("/desk/me/password/", change, follow=True)
    assert "your 2 API tokens have been revoked" in response.content.decode()
    for secret in mine:
        assert "was revoked" in error(Api(secret).get("/api/tokens"), 401)["message"]
    assert ok(Api(theirs).get("/api/tokens"))
    recorded = revocations()
    assert len(recorded) == 2
    assert {leaf["actor"] for leaf in recorded} == {"alice"}
    assert {leaf["data"]["name"] for leaf in recorded} == {"one", "two"}
    assert {leaf["data"]["reason"] for leaf in recorded} == {"password changed"}


def test_an_admin_setting_a_password_revokes_the_persons_tokens(alice, people):
    secret = token_for(alice)
    action = SetPassword(people.adam, user=alice.pk, password=NEW_PASSWORD)
    action.run()
    assert action.revoked == 1
    assert "was revoked" in error(Api(secret).get("/api/tokens"), 401)["message"]
    (leaf,) = revocations()
    assert leaf["actor"] == "adam"
    assert leaf["data"]["reason"] == "password set by an admin"


def test_the_admins_page_says_the_tokens_were_revoked(alice, people):
    token_for(alice)
    browser = Client()
    browser.force_login(people.adam)
    response = browser.post(
        f"/desk/people/{alice.pk}/password/", {"password": NEW_PASSWORD}, follow=True
    )
    assert "Their 1 API token has been revoked." in response.content.decode()


def test_a_wrong_current_password_revokes_nothing(alice):
    secret = token_for(alice)
    with pytest.raises(Exception, match="not your current password"):
        ChangePassword(alice, current="wrong", new=NEW_PASSWORD, again=NEW_PASSWORD).run()
    assert ok(Api(secret).get("/api/tokens"))


def test_tokens_already_revoked_or_expired_are_left_as_they_are(alice):
    token_for(alice, "working")
    expired = ApiToken.issue(alice, "old")[0]
    expire(expired.pk)
    action = ChangePassword(alice, current=PASSWORD, new=NEW_PASSWORD, again=NEW_PASSWORD)
    action.run()
    assert action.revoked == 1
    expired.refresh_from_db()
    assert expired.revoked_at is None
