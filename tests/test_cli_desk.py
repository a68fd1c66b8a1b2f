"""The desk's command line: every command's output shape, errors and exit codes."""

import json

import pytest

from tests.support.cli import run

pytestmark = pytest.mark.django_db


def ok(*args, input=None):
    result = run(*args, "--json", input=input)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def fails(*args, code=1):
    result = run(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    if code == 1:
        assert result.stderr.startswith("error: ")
        assert result.stderr.count("\n") == 1
    return result.stderr


@pytest.fixture
def desk(people):
    """The personas from conftest, plus one post by alice."""
    return ok("post", "house:news", "--text", "The appeal closes on 4 May.", "--as", "alice")


def test_user_and_account_add(db, settings, tmp_path):
    settings.SITE_DIR = tmp_path / "site"
    assert ok("user", "add", "alice", "--role", "author") == {"user": "alice", "role": "author"}
    assert ok("account", "add", "house:news", "--name", "News") == {"account": "house:news"}
    assert fails("user", "add", "alice", "--role", "author") == (
        "error: name: there is already a user alice\n"
    )
    assert "allowed: " in fails("account", "add", "myspace:x.test")
    fails("user", "add", "bob", "--role", "king", code=2)


def test_post_prints_its_id_and_url(desk):
    assert desk["url"] == f"http://127.0.0.1:8000/posts/{desk['post']}/"


def test_text_can_come_from_standard_input(people):
    out = ok("post", "house:news", "--text", "-", "--as", "alice", input="From stdin.\n")
    assert ok("history", out["post"])["revisions"][0]["text"] == "From stdin.\n"


def test_the_whole_handbook_from_the_command_line(desk):
    post = desk["post"]
    corrected = ok(
        "correct",
        post,
        "--text",
        "The appeal closes on 14 May.",
        "--reason",
        "Wrong date",
        "--as",
        "alice",
    )
    assert (corrected["post"], corrected["revision"]) == (post, 2)
    assert corrected["plan"]["how"] == "site"
    incident = ok(
        "incident",
        "open",
        post,
        "--kind",
        "fact",
        "--severity",
        "minor",
        "--summary",
        "Wrong date",
        "--rationale",
        "Decided in the test.",
        "--as",
        "alice",
    )["incident"]
    apology = ok("apologise", post, "--text", "Sorry, the date we gave was wrong.", "--as", "alice")
    assert apology["findings"] == []
    assert ok("reply", post, "--text", "Thanks for telling us.", "--as", "alice")["post"]
    shown = ok("incident", "show", incident)
    assert shown["status"] == "open"
    assert shown["budget"] == {"used": 2, "limit": 3}
    assert [s["step"] for s in shown["steps"]] == [
        "apologise",
        "amend",
        "explain",
        "laugh",
        "move_on",
    ]
    deletion = ok(
        "delete",
        post,
        "--ground",
        "offensive",
        "--explain",
        "Rude.",
        "--rationale",
        "Decided in the test.",
        "--as",
        "alice",
    )
    assert deletion["status"] == "pending"
    assert ok(
        "approve", deletion["deletion"], "--rationale", "Decided in the test.", "--as", "sam"
    ) == {
        "deletion": deletion["deletion"],
        "status": "done",
    }
    history = ok("history", post)
    assert history["status"] == "deleted"
    assert history["revisions"][0]["text"] is None
    assert history["revisions"][0]["sealed"] is True
    unsealed = run("unseal", post, "--purpose", "Complaint", "--reference", "CO/1", "--as", "fiona")
    assert unsealed.stdout == "The appeal closes on 4 May.\n"
    ok(
        "incident",
        "close",
        incident,
        "--statement",
        "We have put this right.",
        "--rationale",
        "Decided in the test.",
        "--as",
        "sam",
    )
    assert ok("incident", "show", incident)["status"] == "closed"


def test_apologise_check_shows_findings_and_publishes_nothing(desk):
    out = ok(
        "apologise",
        desk["post"],
        "--text",
        "We regret any offence caused.",
        "--check",
        "--as",
        "alice",
    )
    assert out["post"] is None
    assert {f["severity"] for f in out["findings"]} == {"error", "warning"}
    assert "error: text: " in fails(
        "apologise", desk["post"], "--text", "We regret any offence caused.", "--as", "alice"
    )


def test_holds(desk, people):
    other = ok("post", "house:news", "--text", "Another", "--as", "alice")["post"]
    deletion = ok(
        "delete",
        desk["post"],
        "--ground",
        "illegal",
        "--explain",
        "x",
        "--rationale",
        "Decided in the test.",
        "--as",
        "sam",
    )
    hold = ok("hold", "place", desk["post"], "--reference", "FOI/1", "--as", "fiona")["hold"]
    ok("hold", "place", other, "--reference", "FOI/2", "--as", "fiona")
    assert "FOI/2" in fails(
        "delete",
        other,
        "--ground",
        "illegal",
        "--explain",
        "x",
        "--rationale",
        "r",
        "--as",
        "alice",
    )
    assert "FOI/1" in fails(
        "approve", deletion["deletion"], "--rationale", "Decided in the test.", "--as", "sally"
    )
    assert ok("hold", "release", hold, "--as", "fiona")["status"] == "released"
    assert (
        ok("approve", deletion["deletion"], "--rationale", "Decided in the test.", "--as", "sally")[
            "status"
        ]
        == "done"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["post", "house:news", "--text", "x", "--as", "nobody"],
            "error: as: there is no user 'nobody'; add them first with `amends user add nobody "
            "--role ROLE` (ROLE: author, supervisor, auditor or admin, for what they do)\n",
        ),
        (
            ["post", "house:news", "--text", "x", "--as", "fiona"],
            "error: as: only author or supervisor may publish posts; fiona may not\n",
        ),
        (
            ["post", "house:news", "--text", " ", "--as", "alice"],
            "error: text: must not be empty\n",
        ),
        (
            ["correct", "77", "--text", "x", "--reason", "y", "--as", "alice"],
            "error: post: there is no post 77\n",
        ),
        (
            [
                "delete",
                "1",
                "--ground",
                "boring",
                "--explain",
                "x",
                "--rationale",
                "Decided in the test.",
                "--as",
                "alice",
            ],
            "error: ground: 'boring' is not a ground for deletion; allowed: illegal, offensive, "
            "prejudicial, personal_data, identified_person\n",
        ),
        (
            ["unseal", "1", "--purpose", "x", "--reference", "y", "--as", "alice"],
            "error: as: only auditor may unseal sealed originals; alice may not\n",
        ),
        (["incident", "show", "5"], "error: incident: there is no incident 5\n"),
    ],
)
def test_errors_are_one_line_and_change_nothing(desk, args, message):
    from amends.record import api as record

    size = record.size()
    assert fails(*args) == message
    assert record.size() == size


@pytest.mark.parametrize(
    "args",
    [
        ["post", "house:news", "--text", "x"],
        [
            "incident",
            "open",
            "1",
            "--kind",
            "fact",
            "--severity",
            "huge",
            "--summary",
            "x",
            "--rationale",
            "Decided in the test.",
            "--as",
            "alice",
        ],
        ["approve"],
        ["history"],
    ],
)
def test_usage_errors_exit_2(people, args):
    fails(*args, code=2)


def test_site_render_writes_every_page(desk, settings):
    out = ok("site", "render")
    assert out["posts"] == 1
    assert (settings.SITE_DIR / f"posts/{desk['post']}/index.html").exists()
    assert (settings.SITE_DIR / "site.css").exists()


@pytest.mark.parametrize("option", ["--password-file", "--token-file"])
def test_a_binary_secret_file_is_one_line_naming_the_option(people, tmp_path, option):
    from django.contrib.auth.models import User

    from amends.desk.models import Account

    binary = tmp_path / "secret.bin"
    binary.write_bytes(b"\xff\xfe\x00\x81 not text")
    if option == "--password-file":
        args = ["user", "add", "zed", "--role", "author", option, binary]
    else:
        args = ["account", "add", "mastodon:news", "--server", "https://m.example", option, binary]
    before = (User.objects.count(), Account.objects.count())
    assert fails(*args) == f"error: {option}: the file must hold text (UTF-8), not binary data\n"
    assert (User.objects.count(), Account.objects.count()) == before


def test_a_sequence_number_past_64_bits_is_a_usage_error_not_a_crash(people):
    result = run("record", "entries", "--from", "99999999999999999999")
    assert result.exit_code == 2
    assert "is not in the range 0<=x<=9223372036854775807" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_operator_gives_an_existing_person_a_password(people, tmp_path):
    from django.contrib.auth.models import User

    from amends.record import api as record

    secret = tmp_path / "alice.txt"
    secret.write_text("a long pass phrase for alice\n")
    assert ok("user", "password", "alice", "--password-file", secret) == {
        "user": "alice",
        "revoked": 0,
    }
    assert User.objects.get(username="alice").check_password("a long pass phrase for alice")
    assert record.entries_about("user:alice")[-1].kind == "user.password_set"
    secret.write_text("short\n")
    assert fails("user", "password", "alice", "--password-file", secret).startswith(
        "error: password: This password is too short."
    )
    assert fails("user", "password", "nobody", "--password-file", secret).startswith(
        "error: user: there is no user 'nobody'"
    )


def test_incident_list_shows_every_incident_newest_first(desk, people):
    ok("incident", "open", desk["post"], "--kind", "fact", "--severity", "minor",
       "--summary", "Wrong date", "--rationale", "A week out.", "--as", "alice")  # fmt: skip
    listed = ok("incident", "list")["incidents"]
    assert [(i["post"], i["kind"], i["status"]) for i in listed] == [(desk["post"], "fact", "open")]
    assert run("incident", "list").stdout.startswith(f"incident {listed[0]['incident']}\tpost")
    assert ok("incident", "list", "--open")["incidents"] == listed
