"""API tokens from the command line: the token printed once works; a revoked one does not."""

import json

import pytest

from amends.record import api as record
from tests.support.api import Api, error, ok
from tests.support.cli import run

pytestmark = pytest.mark.django_db


def test_token_add_prints_the_token_once_and_it_works(people):
    result = run("token", "add", "--as", "alice", "--name", "laptop")
    assert result.exit_code == 0, result.stderr
    secret, said = result.stdout.splitlines()
    assert secret.startswith("amends_")
    assert said.endswith(" created for alice; copy it now: it is not shown again")
    assert ok(Api(secret).get("/api/tokens"))["tokens"][0]["name"] == "laptop"
    listed = run("token", "list", "--as", "alice")
    assert listed.exit_code == 0
    assert "laptop" in listed.stdout
    assert secret.split("_", 2)[2] not in listed.stdout


def test_a_token_revoked_from_the_command_line_stops_working(people):
    added = json.loads(run("token", "add", "--as", "sam", "--json").stdout)
    revoked = run("token", "revoke", added["id"], "--as", "sam", "--json")
    assert revoked.exit_code == 0, revoked.stderr
    assert json.loads(revoked.stdout)["revoked_at"] is not None
    assert "was revoked" in error(Api(added["token"]).get("/api/posts"), 401)["message"]
    again = run("token", "revoke", added["id"], "--as", "sam")
    assert again.exit_code == 1
    assert again.stderr == f"error: token: token {added['id']} was already revoked\n"


def test_making_and_revoking_a_token_is_recorded_without_the_token(people):
    added = json.loads(run("token", "add", "--as", "sam", "--name", "desk pc", "--json").stdout)
    run("token", "revoke", added["id"], "--as", "adam")
    made, revoked = record.entries_about("user:sam")[-2:]
    assert (made.kind, revoked.kind) == ("token.created", "token.revoked")
    leaf = json.loads(revoked.leaf)
    assert leaf["actor"] == "adam"
    assert leaf["data"] == {"token": int(added["id"]), "user": "sam", "name": "desk pc"}
    secret = added["token"].split("_", 2)[2]
    assert secret.encode() not in made.leaf + revoked.leaf


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["token", "add", "--as", "olly"],
            "error: as: only author or supervisor or auditor or admin may create API tokens; "
            "olly may not\n",
        ),
        (
            ["token", "list", "--as", "alice", "--user", "sam"],
            "error: as: only admin may list other people's tokens; alice may not\n",
        ),
        (["token", "add", "--as", "alice", "--name", "x" * 101], None),
    ],
)
def test_token_commands_refuse_with_one_line(people, args, message):
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    if message is not None:
        assert result.stderr == message
    else:
        assert result.stderr.startswith("error: name: must be text of at most 100 characters")


def test_only_the_owner_or_an_admin_revokes_from_the_command_line(people):
    added = json.loads(run("token", "add", "--as", "alice", "--json").stdout)
    refused = run("token", "revoke", added["id"], "--as", "fiona")
    assert refused.stderr == (
        f"error: as: only its owner or an admin may revoke token {added['id']}; fiona may not\n"
    )
    assert run("token", "revoke", added["id"], "--as", "adam").exit_code == 0
    listed = json.loads(run("token", "list", "--as", "adam", "--user", "alice", "--json").stdout)
    assert listed["tokens"][0]["revoked_at"] is not None
