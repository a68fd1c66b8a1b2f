"""Who may call each endpoint: every operation × every role, an outsider and an anonymous
visitor, with the exact status. Each request is well formed, so only who asks decides."""

import pytest

from amends.actions import (
    AddChannel,
    AddShift,
    OpenIncident,
    PlaceHold,
    Publish,
    RemoveNow,
    RequestDeletion,
)
from amends.record import api as record
from tests.support.api import Api, token_for

pytestmark = pytest.mark.once  # the same whatever the database

PERSONAS = ("anonymous", "olly", "alice", "sam", "fiona", "adam")
STAFF = ("alice", "sam", "fiona", "adam")
WRITERS = ("alice", "sam")


def only(*allowed: str, status: int) -> dict[str, int]:
    """``status`` for ``allowed``; 401 for the anonymous visitor; 403 for everyone else."""
    return {p: status if p in allowed else 401 if p == "anonymous" else 403 for p in PERSONAS}


# (method, path, body, expected status by persona). Paths name the world's objects.
ENDPOINTS = [
    ("GET", "/api/openapi.json", None, dict.fromkeys(PERSONAS, 200)),
    ("GET", "/api/posts/{post}/copies", None, only(*STAFF, status=200)),
    (
        "POST",
        "/api/posts/{post}/copies",
        {"url": "https://forum.example/t/7", "found_by": "text"},
        only("alice", "sam", "fiona", status=201),
    ),
    ("POST", "/api/copies/match", {"text": "Closes on 4 May."}, only(*STAFF, status=200)),
    ("GET", "/api/incidents/{incident}/conversation", None, only(*STAFF, status=200)),
    ("POST", "/api/copies/{copy}/notify", {}, only(*WRITERS, status=200)),
    ("GET", "/api/incidents/{incident}/inbox", None, only(*STAFF, status=200)),
    ("POST", "/api/mentions/{mention}/handled", None, only(*WRITERS, status=200)),
    ("GET", "/api/posts", None, only(*STAFF, status=200)),
    ("POST", "/api/posts", {"account": "house:news", "text": "New."}, only(*WRITERS, status=201)),
    ("GET", "/api/posts/{post}", None, only(*STAFF, status=200)),
    # A platform Amends cannot read yet: writers are told so.
    (
        "POST",
        "/api/posts/adopt",
        {"url": "https://www.instagram.com/p/C7abcDEFghi/"},
        only(*WRITERS, status=409),
    ),
    (
        "POST",
        "/api/posts/{post}/corrections",
        {"text": "Closes on 14 May.", "reason": "Wrong date"},
        only(*WRITERS, status=201),
    ),
    (
        "POST",
        "/api/posts/{post}/apologies",
        {"text": "Sorry: the date we gave was wrong."},
        only(*WRITERS, status=201),
    ),
    ("POST", "/api/posts/{post}/replies", {"text": "Thank you."}, only(*WRITERS, status=201)),
    (
        "POST",
        "/api/posts/{plain}/deletions",
        {"ground": "offensive", "explain": "It was rude.", "rationale": "Asked in the test."},
        only(*WRITERS, status=201),
    ),
    (
        "POST",
        "/api/deletions/{deletion}/approve",
        {"rationale": "It was rude."},
        only("sam", status=200),
    ),
    (
        "POST",
        "/api/deletions/{deletion}/reject",
        {"rationale": "Correct it."},
        only("sam", status=200),
    ),
    # andy asked for it: nobody here may withdraw it.
    ("POST", "/api/deletions/{deletion}/withdraw", None, only(status=200)),
    (
        "POST",
        "/api/posts/{plain}/removal",
        {"ground": "offensive", "explain": "It was rude.", "rationale": "Now."},
        only("sam", status=201),
    ),
    (
        "POST",
        "/api/deletions/{urgent}/review",
        {"verdict": "confirm", "rationale": "Right call."},
        only("sam", status=200),
    ),
    ("POST", "/api/sending/pause", {"reason": "Stop."}, only("sam", "adam", status=200)),
    # Not paused: those who may resume are told so.
    ("POST", "/api/sending/resume", None, only("sam", "adam", status=409)),
    (
        "PUT",
        "/api/incidents/{incident}/protected-names",
        {"names": ["Mary Jones"]},
        only(*WRITERS, status=200),
    ),
    # The plain post was not taken down for harmful content: writers are told so.
    (
        "POST",
        "/api/posts/{plain}/redacted",
        {"text": "Plain.", "reason": "x"},
        only(*WRITERS, status=409),
    ),
    ("GET", "/api/notify/channels", None, only(*STAFF, status=200)),
    (
        "POST",
        "/api/notify/channels",
        {"kind": "email", "address": "me@police.example"},
        only(*STAFF, status=201),
    ),
    # Only alice's own; to other staff it does not exist.
    (
        "DELETE",
        "/api/notify/channels/{channel}",
        None,
        {**only("alice", status=200), "sam": 404, "fiona": 404, "adam": 404},
    ),
    ("POST", "/api/notify/test", None, only(*STAFF, status=200)),
    ("GET", "/api/rota", None, only(*STAFF, status=200)),
    (
        "POST",
        "/api/rota",
        {"user": "sam", "starts": "2026-12-04T22:00", "ends": "2026-12-05T07:00"},
        only("sam", "adam", status=201),
    ),
    ("DELETE", "/api/rota/{shift}", None, only("sam", "adam", status=200)),
    (
        "POST",
        "/api/posts/{plain}/incidents",
        {
            "kind": "fact",
            "severity": "minor",
            "summary": "Typo",
            "rationale": "Opened in the test.",
        },
        only(*WRITERS, status=201),
    ),
    ("GET", "/api/incidents/{incident}", None, only(*STAFF, status=200)),
    ("POST", "/api/incidents/{incident}/posts", {"post": "{plain}"}, only(*WRITERS, status=200)),
    (
        "POST",
        "/api/incidents/{incident}/corrections",
        {"text": "Closes on 14 May.", "reason": "Wrong date"},
        only(*WRITERS, status=201),
    ),
    (
        "POST",
        "/api/incidents/{incident}/close",
        {
            "statement": "Put right.",
            "rationale": "Closed in the test.",
            "not_needed": {"apologise": "Nobody was misled.", "amend": "It was withdrawn."},
        },
        only("sam", status=200),
    ),
    ("POST", "/api/holds", {"post": "{plain}", "reference": "FOI/2"}, only("fiona", status=201)),
    ("POST", "/api/holds/{hold}/release", None, only("fiona", status=200)),
    (
        "POST",
        "/api/posts/{post}/unseal",
        {"purpose": "Complaint review", "reference": "CO/1"},
        only("fiona", status=200),
    ),
    ("POST", "/api/users", {"name": "bea", "role": "author"}, only("adam", status=201)),
    ("POST", "/api/accounts", {"account": "house:events"}, only("adam", status=201)),
    ("GET", "/api/record/checkpoint", None, only(*STAFF, status=200)),
    ("GET", "/api/record/entries", None, only(*STAFF, status=200)),
    ("GET", "/api/record/proof/0", None, only(*STAFF, status=200)),
    ("GET", "/api/record/consistency?from=1", None, only(*STAFF, status=200)),
    # A person without a role may still see, and revoke, their own tokens.
    ("GET", "/api/tokens", None, only("olly", *STAFF, status=200)),
    ("POST", "/api/tokens", {"name": "laptop"}, only(*STAFF, status=201)),
    ("DELETE", "/api/tokens/{token}", None, only("alice", "adam", status=200)),
    ("GET", "/api/deliveries", None, only(*STAFF, status=200)),
    ("GET", "/api/deliveries/{delivery}", None, only(*STAFF, status=200)),
    ("POST", "/api/deliveries/{delivery}/retry", None, only("sam", "adam", status=200)),
    (
        "POST",
        "/api/exports",
        {"incident": "{incident}", "purpose": "FOI request", "reference": "F/9"},
        only("fiona", status=200),
    ),
]


@pytest.fixture
def world(people, testbed):
    """A post with an open incident and a hold, a plain post, a post awaiting deletion
    (requested by andy), a delivery that failed, a signed checkpoint, and a spare token of
    alice's."""
    from amends.connectors import PlatformError
    from amends.delivery.worker import Worker

    failing = Publish(people.alice, account="testbed:police", text="Not sent.").run()
    testbed.BOARD.fail_next.append(PlatformError("testbed: 401 bad token", permanent=True))
    Worker("test").step()
    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    plain = Publish(people.alice, account="house:news", text="Plain.").run()
    doomed = Publish(people.andy, account="house:news", text="Rude.").run()
    deletion = RequestDeletion(
        people.andy,
        post=doomed.pk,
        ground="offensive",
        explanation="Rude.",
        rationale="Asked for in the test.",
    ).run()
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Date",
        rationale="Opened for the test.",
    ).run()
    hold = PlaceHold(people.fiona, post=post.pk, reference="FOI/1").run()
    removed = Publish(people.alice, account="house:news", text="Harmful.").run()
    urgent = RemoveNow(
        people.sally, post=removed.pk, ground="offensive", explanation="Rude.", rationale="Now."
    ).run()
    channel = AddChannel(people.alice, kind="email", address="alice@police.example").run()
    shift = AddShift(
        people.adam, user="sally", starts="2026-12-04T22:00", ends="2026-12-05T07:00"
    ).run()
    record.sign_checkpoint()
    from django.utils import timezone

    from amends.actions import RecordCopy
    from amends.api.models import ApiToken
    from amends.copies.models import Mention

    copy = RecordCopy(
        people.alice, post=post.pk, url="https://blog.example/2026/12/road", found_by="text"
    ).run()
    mention = Mention.objects.create(
        post=post,
        kind="reply",
        url="https://social.example/r/1",
        at=timezone.now(),
        found_at=timezone.now(),
    )

    spare, _ = ApiToken.issue(people.alice, "spare")
    return {
        "post": post.pk,
        "plain": plain.pk,
        "deletion": deletion.pk,
        "incident": incident.pk,
        "hold": hold.pk,
        "token": spare.pk,
        "delivery": failing.deliveries.get().pk,
        "urgent": urgent.pk,
        "channel": channel.pk,
        "shift": shift.pk,
        "copy": copy.pk,
        "mention": mention.pk,
    }


def _fill(value, names: dict):
    if isinstance(value, str):
        filled = value.format(**names)
        return int(filled) if value.startswith("{") and filled.isdigit() else filled
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    ENDPOINTS,
    ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS],
)
def test_who_may_call_each_endpoint(people, world, persona, method, path, body, expected):
    token = None if persona == "anonymous" else token_for(getattr(people, persona))
    response = Api(token).call(method, _fill(path, world), _fill(body, world))
    assert response.status_code == expected[persona], response.content
    if response.status_code == 403:
        assert response.json()["field"] == "as"
        assert persona in response.json()["message"]
    if response.status_code == 401:
        assert response.json()["field"] == "authorization"


def test_every_operation_in_the_openapi_document_has_a_permission_row(client):
    document = client.get("/api/openapi.json").json()
    documented = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
    }
    covered = {(m, p.split("?")[0].replace("/0", "/{seq}")) for m, p, _, _ in ENDPOINTS}
    names = {
        "{post}": "{post_id}",
        "{plain}": "{post_id}",
        "{deletion}": "{deletion_id}",
        "{incident}": "{incident_id}",
        "{hold}": "{hold_id}",
        "{token}": "{token_id}",
        "{delivery}": "{delivery_id}",
        "{urgent}": "{deletion_id}",
        "{channel}": "{channel_id}",
        "{shift}": "{shift_id}",
        "{copy}": "{copy_id}",
        "{mention}": "{mention_id}",
    }
    for short, long in names.items():
        covered = {(m, p.replace(short, long)) for m, p in covered}
    assert documented <= covered, documented - covered
