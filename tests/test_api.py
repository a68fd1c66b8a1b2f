"""The REST API: every operation, the command line's rules and messages, one error shape,
tokens, and text that always comes back as data."""

import base64
import hashlib
import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.test import Client
from django.utils import timezone

from amends.api.models import ApiToken
from amends.cli import main
from amends.desk.models import Account, Post
from amends.record import api as record
from tests.support.api import Api, error, ok, token_for

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def as_(people):
    """``as_("alice")``: the API as one persona, each holding a token of their own."""
    made = {}

    def client(name: str) -> Api:
        if name not in made:
            made[name] = Api(token_for(getattr(people, name)))
        return made[name]

    return client


@pytest.fixture
def post(as_):
    """One post by alice."""
    out = ok(
        as_("alice").post("/api/posts", {"account": "house:news", "text": "Closes on 4 May."}),
        201,
    )
    return out["post"]


def cli_error(*args) -> str:
    """The message the command line prints after ``error:`` for the same request."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ")
    return result.stderr.removeprefix("error: ").rstrip("\n")


def test_publish_answers_with_the_post_and_its_public_url(as_, post):
    history = ok(as_("sam").get(f"/api/posts/{post}"))
    assert history["status"] == "live"
    assert history["account"] == "house:news"
    assert history["revisions"][0]["text"] == "Closes on 4 May."
    assert history["revisions"][0]["by"] == "alice"
    created = ok(as_("sam").post("/api/posts", {"account": "house:news", "text": "Second."}), 201)
    assert created["url"] == f"http://127.0.0.1:8000/posts/{created['post']}/"


def test_the_whole_handbook_through_the_api(as_, post):
    alice, sam = as_("alice"), as_("sam")
    planned = ok(
        alice.post(
            f"/api/posts/{post}/corrections",
            {"text": "Closes on 14 May.", "reason": "Wrong date", "plan_only": True},
        ),
        200,
    )
    assert planned["revision"] is None
    assert planned["plan"]["how"] == "site"
    corrected = ok(
        alice.post(
            f"/api/posts/{post}/corrections",
            {"text": "Closes on 14 May.", "reason": "Wrong date"},
        ),
        201,
    )
    assert (corrected["post"], corrected["revision"]) == (post, 2)
    assert corrected["plan"]["how"] == "site"
    incident = ok(
        alice.post(
            f"/api/posts/{post}/incidents",
            {
                "kind": "fact",
                "severity": "minor",
                "summary": "Date",
                "rationale": "Opened in the test.",
            },
        ),
        201,
    )["incident"]
    checked = ok(
        alice.post(
            f"/api/posts/{post}/apologies",
            {"text": "We regret any offence caused.", "check": True},
        )
    )
    assert checked["post"] is None
    assert {f["severity"] for f in checked["findings"]} == {"error", "warning"}
    apology = ok(
        alice.post(f"/api/posts/{post}/apologies", {"text": "Sorry, the date was wrong."}), 201
    )
    assert apology["findings"] == []
    assert Post.objects.get(pk=apology["post"]).kind == "apology"
    ok(alice.post(f"/api/posts/{post}/replies", {"text": "Thanks for telling us."}), 201)
    report = ok(alice.get(f"/api/incidents/{incident}"))
    assert report["status"] == "open"
    assert report["budget"] == {"used": 2, "limit": 3}
    assert report["steps"][0] == {"step": "apologise", "status": "done", "note": None}
    assert report["timeline"][0]["kind"] == "post.published"
    closed = ok(
        sam.post(
            f"/api/incidents/{incident}/close",
            {"statement": "All put right.", "rationale": "Closed in the test."},
        )
    )
    assert closed["status"] == "closed"
    assert Post.objects.get(pk=closed["statement"]).kind == "statement"
    assert ok(alice.get(f"/api/incidents/{incident}"))["status"] == "closed"


def test_a_deletion_needs_a_second_person_and_seals_the_original(as_, post):
    alice, sam, sally = as_("alice"), as_("sam"), as_("sally")
    deletion = ok(
        sam.post(
            f"/api/posts/{post}/deletions",
            {"ground": "offensive", "explain": "Rude.", "rationale": "Asked in the test."},
        ),
        201,
    )
    assert deletion["status"] == "pending"
    refused = error(
        sam.post(
            f"/api/deletions/{deletion['deletion']}/approve", {"rationale": "Approved in the test."}
        ),
        403,
    )
    assert refused["field"] == "as"
    assert "another supervisor must decide it" in refused["message"]
    done = ok(
        sally.post(
            f"/api/deletions/{deletion['deletion']}/approve", {"rationale": "Approved in the test."}
        )
    )
    assert done == {
        "deletion": deletion["deletion"],
        "status": "done",
        "review_due": None,  # only an urgent removal is reviewed
        "review": None,
        "parts": None,  # one post: no other channel in the decision
        "part_of": None,
    }
    history = ok(alice.get(f"/api/posts/{post}"))
    assert history["status"] == "deleted"
    assert history["revisions"][0] == {**history["revisions"][0], "text": None, "sealed": True}
    unsealed = as_("fiona").post(
        f"/api/posts/{post}/unseal", {"purpose": "Complaint review", "reference": "CO/1"}
    )
    assert ok(unsealed) == {"post": post, "revisions": [{"n": 1, "text": "Closes on 4 May."}]}
    assert unsealed["Cache-Control"] == "private, no-store"
    accessed = json.loads(record.entries_about(f"post:{post}")[-1].leaf)
    assert accessed["kind"] == "content.accessed"
    assert accessed["actor"] == "fiona"


def test_a_rejected_deletion_keeps_the_post(as_, post):
    deletion = ok(
        as_("alice").post(
            f"/api/posts/{post}/deletions",
            {"ground": "illegal", "explain": "x", "rationale": "Asked in the test."},
        ),
        201,
    )["deletion"]
    out = ok(as_("sam").post(f"/api/deletions/{deletion}/reject", {"rationale": "Correct it."}))
    assert out == {
        "deletion": deletion,
        "status": "rejected",
        "review_due": None,
        "review": None,
        "parts": None,
        "part_of": None,
    }
    assert ok(as_("alice").get(f"/api/posts/{post}"))["status"] == "live"


def test_a_hold_blocks_deletion_until_released(as_, post):
    fiona = as_("fiona")
    hold = ok(fiona.post("/api/holds", {"post": post, "reference": "FOI/2026/1"}), 201)["hold"]
    refused = error(
        as_("alice").post(
            f"/api/posts/{post}/deletions",
            {"ground": "illegal", "explain": "x", "rationale": "Asked in the test."},
        ),
        409,
    )
    assert refused["field"] == "post"
    assert "FOI/2026/1" in refused["message"]
    assert ok(fiona.post(f"/api/holds/{hold}/release")) == {"hold": hold, "status": "released"}
    assert error(fiona.post(f"/api/holds/{hold}/release"), 409)["message"] == (
        f"hold: hold {hold} was already released"
    )


def test_admins_add_people_and_accounts(as_):
    adam = as_("adam")
    assert ok(adam.post("/api/users", {"name": "bea", "role": "auditor"}), 201) == {
        "user": "bea",
        "role": "auditor",
    }
    assert error(adam.post("/api/users", {"name": "bea", "role": "author"}), 409) == {
        "field": "name",
        "message": "name: there is already a user bea",
    }
    assert error(adam.post("/api/users", {"name": "bo", "role": "king"}), 400)["field"] == "role"
    added = ok(adam.post("/api/accounts", {"account": "house:events", "name": "Events"}), 201)
    assert added == {"account": "house:events"}
    unknown = error(adam.post("/api/accounts", {"account": "myspace:x"}), 400)["message"]
    assert "unknown platform 'myspace'; allowed: " in unknown
    assert "house" in unknown
    assert error(adam.post("/api/accounts", {"account": "bluesky:x.test"}), 400) == {
        "field": "server",
        "message": "server: Bluesky needs the PDS URL, e.g. https://bsky.social",
    }
    connected = adam.post(
        "/api/accounts",
        {"account": "bluesky:x.test", "server": "http://127.0.0.1:9", "password": "s3cret pw"},
    )
    assert ok(connected, 201) == {"account": "bluesky:x.test"}
    assert b"s3cret" not in connected.content
    assert "s3cret" not in str(list(record.entries(0, 10_000)))


@pytest.mark.parametrize(
    ("call", "cli", "status"),
    [
        (
            ("post", "/api/posts", {"account": "house:news", "text": "x"}, "fiona"),
            ["post", "house:news", "--text", "x", "--as", "fiona"],
            403,
        ),
        (
            ("post", "/api/posts", {"account": "house:news", "text": " "}, "alice"),
            ["post", "house:news", "--text", " ", "--as", "alice"],
            400,
        ),
        (
            ("post", "/api/posts", {"account": "house:none", "text": "x"}, "alice"),
            ["post", "house:none", "--text", "x", "--as", "alice"],
            404,
        ),
        (
            ("post", "/api/posts/77/corrections", {"text": "x", "reason": "y"}, "alice"),
            ["correct", "77", "--text", "x", "--reason", "y", "--as", "alice"],
            404,
        ),
        (
            (
                "post",
                "/api/posts/{post}/corrections",
                {"text": "Closes on 4 May.", "reason": "y"},
                "alice",
            ),
            ["correct", "{post}", "--text", "Closes on 4 May.", "--reason", "y", "--as", "alice"],
            400,
        ),
        (
            (
                "post",
                "/api/posts/{post}/deletions",
                {"ground": "boring", "explain": "x", "rationale": "Asked in the test."},
                "alice",
            ),
            [
                "delete",
                "{post}",
                "--ground",
                "boring",
                "--explain",
                "x",
                "--rationale",
                "Decided in the test.",
                "--as",
                "alice",
            ],
            400,
        ),
        (
            (
                "post",
                "/api/posts/{post}/apologies",
                {"text": "We regret any offence caused."},
                "alice",
            ),
            ["apologise", "{post}", "--text", "We regret any offence caused.", "--as", "alice"],
            409,
        ),
        (
            ("post", "/api/posts/{post}/unseal", {"purpose": "x", "reference": "y"}, "alice"),
            ["unseal", "{post}", "--purpose", "x", "--reference", "y", "--as", "alice"],
            403,
        ),
        (
            (
                "post",
                "/api/posts/{post}/incidents",
                {
                    "kind": "fact",
                    "severity": "huge",
                    "summary": "x",
                    "rationale": "Opened in the test.",
                },
                "sam",
            ),
            None,  # the command line refuses this severity before the action sees it
            400,
        ),
        (
            ("post", "/api/holds", {"post": 999, "reference": "FOI/1"}, "fiona"),
            ["hold", "place", "999", "--reference", "FOI/1", "--as", "fiona"],
            404,
        ),
        (
            (
                "post",
                "/api/incidents/5/close",
                {"statement": "x", "rationale": "Closed in the test."},
                "alice",
            ),
            [
                "incident",
                "close",
                "5",
                "--statement",
                "x",
                "--rationale",
                "Decided in the test.",
                "--as",
                "alice",
            ],
            403,
        ),
        (
            ("get", "/api/incidents/5", None, "alice"),
            ["incident", "show", "5"],
            404,
        ),
        (
            ("post", "/api/users", {"name": "x", "role": "author"}, "sam"),
            None,  # from the command line, adding people is the operator's
            403,
        ),
    ],
)
def test_errors_carry_the_command_lines_messages_and_change_nothing(as_, post, call, cli, status):
    method, path, body, persona = call
    path = path.format(post=post)
    size = record.size()
    api = as_(persona)
    response = api.get(path) if method == "get" else api.post(path, body)
    got = error(response, status)
    assert record.size() == size
    assert got["field"] == got["message"].split(":", 1)[0]
    if cli is not None:
        assert got["message"] == cli_error(*[a.format(post=post) for a in cli])


def test_refusals_after_an_incident_match_the_command_line(as_, post):
    alice, sam = as_("alice"), as_("sam")
    incident = ok(
        alice.post(
            f"/api/posts/{post}/incidents",
            {
                "kind": "fact",
                "severity": "serious",
                "summary": "x",
                "rationale": "Opened in the test.",
            },
        ),
        201,
    )["incident"]
    joke = error(alice.post(f"/api/posts/{post}/replies", {"text": "Oops lol 😂"}), 409)
    assert joke["message"] == cli_error("reply", post, "--text", "Oops lol 😂", "--as", "alice")
    ok(
        sam.post(
            f"/api/incidents/{incident}/close",
            {
                "statement": "Put right.",
                "rationale": "Closed in the test.",
                "not_needed": {"apologise": "Nobody was misled.", "amend": "It was withdrawn."},
            },
        )
    )
    again = error(alice.post(f"/api/posts/{post}/replies", {"text": "One more thing."}), 409)
    assert again["message"].startswith(f"post: incident {incident} is closed; move on")
    assert again["message"] == cli_error(
        "reply", post, "--text", "One more thing.", "--as", "alice"
    )
    body = {"text": "One more thing.", "anyway": True, "override_reason": "A new question."}
    anyway = alice.post(f"/api/posts/{post}/replies", body)
    assert ok(anyway, 201)["post"]


@pytest.mark.parametrize(
    ("path", "body", "field", "message"),
    [
        ("/api/posts", {"account": "house:news"}, "text", "text: is required"),
        ("/api/posts", {"account": "house:news", "text": 5}, "text", "text: input should be"),
        ("/api/posts", {"account": "house:news", "text": "x", "extra": 1}, "extra", "extra: is"),
        ("/api/posts", {"account": "house:news", "text": "a\x00b"}, "text", "text: must not"),
        ("/api/posts", {"account": "house:news", "text": "\ud800"}, "text", "text: must be valid"),
        ("/api/posts", [1, 2], "body", "body: input should be"),
        ("/api/posts", None, "body", "body: is required"),
        ("/api/posts/0/replies", {"text": "x"}, "post", "post: input should be greater"),
        ("/api/posts/abc/replies", {"text": "x"}, "post", "post: input should be a valid int"),
        ("/api/posts/1/replies", {"text": "x", "anyway": "yes"}, "anyway", "anyway: input"),
        ("/api/holds", {"post": "1", "reference": "x"}, "post", "post: input should be"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(as_, path, body, field, message):
    got = error(as_("alice").post(path, body), 400)
    assert got["field"] == field
    assert got["message"].startswith(message), got["message"]


def test_a_body_that_is_not_json_is_a_400(as_):
    got = error(as_("alice").call("POST", "/api/posts", raw=b"{not json"), 400)
    assert got == {"field": "body", "message": "body: must be a JSON object"}


def test_a_body_too_large_to_read_is_a_400(as_, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"account": "house:news", "text": "x" * 2000}
    got = error(as_("alice").post("/api/posts", body), 400)
    assert got == {"field": "body", "message": "body: must be at most 1,000 bytes"}
    assert not Post.objects.exists()


def test_bad_query_parameters_are_400s(as_):
    alice = as_("alice")
    assert error(alice.get("/api/posts", status="gone"), 400)["message"] == (
        "status: must be one of live, corrected, deleted (got 'gone')"
    )
    assert error(alice.get("/api/posts", since="May"), 400) == {
        "field": "since",
        "message": "since: must be a date like 2026-05-14 (got 'May')",
    }
    assert error(alice.get("/api/posts", until="0"), 400)["field"] == "until"
    assert error(alice.get("/api/posts", stauts="live"), 400) == {
        "field": "stauts",
        "message": "stauts: is not an input of this operation",
    }
    assert error(alice.get("/api/posts", limit=0), 400)["field"] == "limit"
    assert error(alice.get("/api/record/entries", **{"from": -1}), 400)["field"] == "from"


def test_unknown_paths_under_api_are_json_404s(as_):
    got = error(as_("alice").get("/api/nothing/here"), 404)
    assert got["message"] == "there is no /api/nothing/here; see /api/openapi.json"


def test_a_method_a_path_does_not_take_is_a_json_405(as_):
    response = as_("alice").call("PUT", "/api/posts")
    got = error(response, 405)
    assert got["field"] == "method"
    assert got["message"].startswith("method: PUT is not allowed here; allowed: ")
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def _leaf_data(api: Api) -> list[dict]:
    entries = ok(api.get("/api/record/entries", limit=1000))["entries"]
    return [json.loads(base64.b64decode(e["leaf"]))["data"] for e in entries]


def _history(api: Api, post: int) -> dict:
    return ok(api.get(f"/api/posts/{post}"))


def _open_incident(api: Api, post: int) -> int:
    body = {"kind": "fact", "severity": "minor", "summary": "x", "rationale": "Opened in the test."}
    return ok(api.post(f"/api/posts/{post}/incidents", body), 201)["incident"]


def _request_deletion(api: Api, post: int) -> int:
    body = {"ground": "illegal", "explain": "x", "rationale": "Asked in the test."}
    return ok(api.post(f"/api/posts/{post}/deletions", body), 201)["deletion"]


# Every text field the API takes: who sends it, where, and how it is read back.
# (A user's name admits no markup at all: it is refused, see test_admins_add_people_and_accounts.)
TEXT_FIELDS = {
    "post text": (
        "alice",
        lambda as_, post: ("/api/posts", {"account": "house:news", "text": XSS}),
        lambda api, out, post: [_history(api, out["post"])["revisions"][0]["text"]],
    ),
    "correction text and reason": (
        "alice",
        lambda as_, post: (f"/api/posts/{post}/corrections", {"text": XSS, "reason": XSS}),
        lambda api, out, post: [
            _history(api, post)["revisions"][1]["text"],
            _history(api, post)["revisions"][1]["reason"],
        ],
    ),
    "apology": (
        "alice",
        lambda as_, post: (f"/api/posts/{post}/apologies", {"text": f"Sorry. {XSS}"}),
        lambda api, out, post: [
            _history(api, out["post"])["revisions"][0]["text"].removeprefix("Sorry. ")
        ],
    ),
    "reply": (
        "alice",
        lambda as_, post: (f"/api/posts/{post}/replies", {"text": XSS}),
        lambda api, out, post: [_history(api, out["post"])["revisions"][0]["text"]],
    ),
    "deletion explanation": (
        "alice",
        lambda as_, post: (
            f"/api/posts/{post}/deletions",
            {"ground": "illegal", "explain": XSS, "rationale": "Asked in the test."},
        ),
        lambda api, out, post: [d.get("explanation") for d in _leaf_data(api)],
    ),
    "rejection reason": (
        "sam",
        lambda as_, post: (
            f"/api/deletions/{_request_deletion(as_('alice'), post)}/reject",
            {"rationale": XSS},
        ),
        lambda api, out, post: [d.get("reason") for d in _leaf_data(api)],
    ),
    "incident summary": (
        "alice",
        lambda as_, post: (
            f"/api/posts/{post}/incidents",
            {
                "kind": "fact",
                "severity": "minor",
                "summary": XSS,
                "rationale": "Opened in the test.",
            },
        ),
        lambda api, out, post: [ok(api.get(f"/api/incidents/{out['incident']}"))["summary"]],
    ),
    "final statement": (
        "sam",
        lambda as_, post: (
            f"/api/incidents/{_open_incident(as_('sam'), post)}/close",
            {
                "statement": XSS,
                "rationale": XSS,
                "not_needed": {"apologise": "Nobody was misled.", "amend": "It was withdrawn."},
            },
        ),
        lambda api, out, post: [_history(api, out["statement"])["revisions"][0]["text"]],
    ),
    "incident rationale": (
        "alice",
        lambda as_, post: (
            f"/api/posts/{post}/incidents",
            {"kind": "fact", "severity": "minor", "summary": "x", "rationale": XSS},
        ),
        lambda api, out, post: [ok(api.get(f"/api/incidents/{out['incident']}"))["rationale"]],
    ),
    "hold reference": (
        "fiona",
        lambda as_, post: ("/api/holds", {"post": post, "reference": XSS}),
        lambda api, out, post: [d.get("reference") for d in _leaf_data(api)],
    ),
    "unseal purpose and reference": (
        "fiona",
        lambda as_, post: (f"/api/posts/{post}/unseal", {"purpose": XSS, "reference": XSS}),
        lambda api, out, post: [
            v for d in _leaf_data(api) for v in (d.get("purpose"), d.get("reference"))
        ],
    ),
    "token name": (
        "alice",
        lambda as_, post: ("/api/tokens", {"name": XSS}),
        lambda api, out, post: [t["name"] for t in ok(api.get("/api/tokens"))["tokens"]],
    ),
    "account name": (
        "adam",
        lambda as_, post: ("/api/accounts", {"account": "house:xss", "name": XSS}),
        lambda api, out, post: [Account.objects.get(handle="xss").name],
    ),
}


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_markup_in_every_text_field_is_stored_and_returned_as_data(as_, post, field):
    """A script in any text field comes back character for character inside JSON, sent as
    JSON that browsers may not sniff into a page."""
    persona, send, read = TEXT_FIELDS[field]
    api = as_(persona)
    path, body = send(as_, post)
    response = api.post(path, body)
    out = ok(response, 200 if "/reject" in path or "/close" in path or "/unseal" in path else 201)
    assert response["X-Content-Type-Options"] == "nosniff"
    reader = as_("fiona") if persona == "fiona" else api
    seen = read(reader, out, post)
    assert XSS in seen, seen


def test_posts_are_listed_with_filters(as_, post):
    alice = as_("alice")
    second = ok(alice.post("/api/posts", {"account": "house:news", "text": "Two."}), 201)["post"]
    ok(alice.post(f"/api/posts/{second}/corrections", {"text": "2.", "reason": "Style"}), 201)
    listed = ok(alice.get("/api/posts"))
    assert listed["count"] == 2
    assert [p["post"] for p in listed["posts"]] == [second, post]
    assert listed["posts"][0]["text"] == "2."
    assert [p["post"] for p in ok(alice.get("/api/posts", status="corrected"))["posts"]] == [second]
    assert [p["post"] for p in ok(alice.get("/api/posts", status="live"))["posts"]] == [post]
    today = timezone.localdate()
    assert ok(alice.get("/api/posts", since=today.isoformat()))["count"] == 2
    assert ok(alice.get("/api/posts", until=str(today - timedelta(days=1))))["count"] == 0
    assert ok(alice.get("/api/posts", account="house:other"))["count"] == 0
    assert ok(alice.get("/api/posts", limit=1, offset=1))["posts"][0]["post"] == post
    for shown in listed["posts"]:
        assert shown["status"] == Post.objects.get(pk=shown["post"]).status


def test_deleted_posts_are_listed_without_their_wording(as_, post):
    deletion = ok(
        as_("alice").post(
            f"/api/posts/{post}/deletions",
            {"ground": "illegal", "explain": "x", "rationale": "Asked in the test."},
        ),
        201,
    )["deletion"]
    ok(
        as_("sam").post(
            f"/api/deletions/{deletion}/approve", {"rationale": "Approved in the test."}
        )
    )
    (shown,) = ok(as_("alice").get("/api/posts", status="deleted"))["posts"]
    assert shown["post"] == post
    assert shown["text"] is None
    assert Post.objects.get(pk=post).status == "deleted"


def test_the_record_can_be_read_and_proved(as_, post):
    fiona = as_("fiona")
    assert error(fiona.get("/api/record/checkpoint"), 404)["field"] == "checkpoint"
    signed = record.sign_checkpoint()
    checkpoint = ok(fiona.get("/api/record/checkpoint"))
    assert checkpoint == {
        "size": signed.size,
        "root": bytes(signed.root).hex(),
        "note": signed.note,
    }
    proof = ok(fiona.get(f"/api/record/proof/{signed.size - 1}"))
    assert proof["root"] == checkpoint["root"]
    assert proof["checkpoint"] == signed.note
    consistency = ok(fiona.get("/api/record/consistency", **{"from": 1}))
    assert consistency["from"] == 1
    assert consistency["to_root"] == checkpoint["root"]
    assert error(fiona.get(f"/api/record/proof/{signed.size}"), 400)["field"] == "seq"


# --- tokens ------------------------------------------------------------------------------


def test_a_token_is_stored_only_as_a_hash(people):
    created = ok(Api(token_for(people.alice)).post("/api/tokens", {"name": "laptop"}), 201)
    secret = created["token"]
    scheme, prefix, rest = secret.split("_", 2)
    assert scheme == "amends"
    assert created["shown"] == f"amends_{prefix}_…"
    row = ApiToken.objects.get(pk=created["id"])
    stored = [str(getattr(row, f.attname)) for f in ApiToken._meta.fields]
    assert not any(rest in value for value in stored)
    assert row.secret_hash == hashlib.sha256(rest.encode()).hexdigest()
    assert ok(Api(secret).get("/api/tokens"))["tokens"][0]["name"] == "laptop"
    listed = ok(Api(secret).get("/api/tokens"))
    assert all("token" not in t for t in listed["tokens"])


def test_creating_a_token_is_never_cached(as_):
    response = as_("alice").post("/api/tokens", {})
    assert ok(response, 201)["name"] == ""
    assert response["Cache-Control"] == "private, no-store"


def test_a_revoked_token_stops_working_at_once(people):
    secret = token_for(people.alice)
    api = Api(secret)
    mine = ok(api.get("/api/tokens"))["tokens"][0]
    revoked = ok(api.delete(f"/api/tokens/{mine['id']}"))
    assert revoked["revoked_at"] is not None
    got = error(api.get("/api/posts"), 401)
    assert got["field"] == "authorization"
    assert "was revoked on" in got["message"]


def test_only_the_owner_or_an_admin_revokes_a_token(as_, people):
    alice = as_("alice")
    other = ok(alice.post("/api/tokens", {"name": "second"}), 201)["id"]
    refused = error(as_("sam").delete(f"/api/tokens/{other}"), 403)
    assert refused["message"] == (
        f"as: only its owner or an admin may revoke token {other}; sam may not"
    )
    assert ok(as_("adam").delete(f"/api/tokens/{other}"))["user"] == "alice"
    assert error(alice.delete(f"/api/tokens/{other}"), 409)["message"] == (
        f"token: token {other} was already revoked"
    )


def test_admins_list_anyones_tokens_and_others_only_their_own(as_):
    as_("alice")
    assert ok(as_("adam").get("/api/tokens", user="alice"))["tokens"][0]["user"] == "alice"
    assert error(as_("sam").get("/api/tokens", user="alice"), 403)["field"] == "as"
    assert error(as_("adam").get("/api/tokens", user="nobody"), 404)["field"] == "user"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "authorization: send the header Authorization: Bearer <token>"),
        ("Basic YWxpY2U6eA==", "authorization: must be Bearer <token>"),
        ("Bearer nonsense", "authorization: this token is not known; check it was copied whole"),
        ("Bearer amends_0123456789ab_x", "authorization: this token is not known; check it"),
        ("Bearer amends_\x00_x", "authorization: this token is not known"),
    ],
)
def test_requests_without_a_working_token_get_401(people, header, message):
    headers = {"Authorization": header} if header else {}
    response = Client().get("/api/posts", headers=headers)
    got = error(response, 401)
    assert got["field"] == "authorization"
    assert got["message"].startswith(message)
    assert response["WWW-Authenticate"] == 'Bearer realm="amends"'


def test_a_token_of_a_deactivated_person_stops_working(people):
    api = Api(token_for(people.alice))
    people.alice.is_active = False
    people.alice.save()
    assert "can no longer sign in" in error(api.get("/api/posts"), 401)["message"]


def test_a_token_records_when_it_was_last_used(people):
    api = Api(token_for(people.alice))
    assert ApiToken.objects.get().last_used_at is None
    ok(api.get("/api/posts"))
    assert ApiToken.objects.get().last_used_at is not None


def test_bearer_requests_need_no_csrf_token_and_cookies_do_not_authenticate(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.alice)
    assert error(Api(client=client).post("/api/posts", {"account": "house:news", "text": "x"}), 401)
    api = Api(token_for(people.alice), client=client)
    ok(api.post("/api/posts", {"account": "house:news", "text": "x"}), 201)


def test_the_openapi_document_is_public_and_describes_every_error(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert document["info"]["title"] == "Amends"
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "409"} <= codes, (method, path)
            assert operation["security"] == [{"TokenAuth": []}], (method, path)
