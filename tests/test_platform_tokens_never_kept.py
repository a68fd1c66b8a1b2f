"""No part of a session token a platform issues is ever kept, logged or shown.

Against the real Bluesky PDS: the worker logs in (createSession answers with an access and a
refresh JWT), publishes, corrects and deletes. Attempt rows used to keep the first 500
characters of every answer, so the tokens sat in rows that every staff role could read and use
to post as the force. Now answers of authentication calls are never kept, successful answers
are not kept at all, and anything token-shaped is scrubbed from what is.
"""

import logging
import uuid

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from amends.actions import (
    AddAccount,
    ApproveDeletion,
    CheckAccount,
    Correct,
    Publish,
    RequestDeletion,
)
from amends.connectors.http import kept, scrub
from amends.delivery.models import Attempt, Delivery
from amends.delivery.worker import Worker
from tests.support.api import Api, token_for

PASSWORD = "correct horse battery staple"


def pieces(token: str) -> list[str]:
    """Every 12-character piece of a token's payload and signature: any of them found kept
    means part of the token leaked."""
    body = token.split(".", 1)[-1]
    return [body[i : i + 12] for i in range(0, len(body) - 12, 6)]


def everything_kept() -> str:
    """Every text, JSON and bytes value in every table, as one string."""
    kinds = (models.CharField, models.TextField, models.JSONField, models.BinaryField)
    values = []
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, kinds)]
        for row in model.objects.values_list(*fields) if fields else []:
            for value in row:
                if isinstance(value, bytes | memoryview):
                    values.append(bytes(value).decode("latin-1"))
                elif value is not None:
                    values.append(str(value))
    return "\n".join(values)


@pytest.fixture
def issued(people, pds, caplog):
    """A post published, corrected and deleted on the real PDS; the tokens the PDS issued to
    the worker for it."""
    caplog.set_level(logging.DEBUG)
    handle = f"t{uuid.uuid4().hex[:10]}.test"
    pds.create_account(handle, PASSWORD)
    key = f"bluesky:{handle}"
    AddAccount(
        None,
        key=key,
        settings={"server": pds.url},
        secrets={"password": PASSWORD},
        as_operator=True,
    ).run()
    CheckAccount(None, account=key, as_operator=True).run()
    worker = Worker("test")
    post = Publish(people.alice, account=key, text="The appeal closes on 4 May.").run()
    while worker.step():
        pass
    Correct(people.alice, post=post.pk, text="The appeal closes on 14 May.", reason="Date").run()
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="prejudicial",
        explanation="A trial is under way.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    while worker.step():
        pass
    (connector,) = worker._connectors.values()
    _, _, access, refresh, _ = connector._login().export_session_string().split(":::")
    assert access.startswith("eyJ")
    assert refresh.startswith("eyJ")
    assert Delivery.objects.filter(status="done").count() >= 3
    return {"access": access, "refresh": refresh, "logs": caplog.text}


def test_no_row_holds_any_part_of_a_token_the_pds_issued(issued):
    kept_rows = everything_kept()
    for name in ("access", "refresh"):
        assert [p for p in pieces(issued[name]) if p in kept_rows] == [], name


def test_no_log_line_holds_any_part_of_a_token(issued):
    for name in ("access", "refresh"):
        assert [p for p in pieces(issued[name]) if p in issued["logs"]] == [], name


def test_no_page_or_answer_shows_any_part_of_a_token(issued, people):
    shown = []
    for persona in ("alice", "sam", "adam"):
        client = Client()
        client.force_login(getattr(people, persona))
        api = Api(token_for(getattr(people, persona)))
        shown.append(client.get("/desk/deliveries/").content.decode())
        for delivery in Delivery.objects.all():
            shown.append(client.get(f"/desk/deliveries/{delivery.pk}/").content.decode())
            shown.append(api.get(f"/api/deliveries/{delivery.pk}").content.decode())
    everything = "\n".join(shown)
    for name in ("access", "refresh"):
        assert [p for p in pieces(issued[name]) if p in everything] == [], name


def test_what_was_asked_is_shown_to_supervisors_and_admins_only(issued, people):
    attempt = Attempt.objects.exclude(request="").first()
    path = f"/api/deliveries/{attempt.delivery_id}"
    (seen,) = Api(token_for(people.sam)).get(path).json()["attempts"][:1]
    assert seen["request"].startswith("POST ")
    for persona in ("alice", "fiona"):
        (hidden,) = Api(token_for(getattr(people, persona))).get(path).json()["attempts"][:1]
        assert hidden["request"] is None
        assert hidden["response"] is None
        client = Client()
        client.force_login(getattr(people, persona))
        page = client.get(f"/desk/deliveries/{attempt.delivery_id}/").content.decode()
        assert "createRecord" not in page


# The seam's own rules, without a server.

JWT = "eyJhbGciOiJFUzI1NksifQ.eyJzY29wZSI6ImNvbS5hdHByb3RvLmFjY2VzcyJ9.c2lnbmF0dXJlLWJ5dGVz"


def test_an_authentication_answer_is_never_kept_even_when_it_fails():
    url = "https://pds.example/xrpc/com.atproto.server.createSession"
    assert kept(url, 200, f'{{"accessJwt":"{JWT}"}}') == ""
    assert kept(url, 401, '{"error":"AuthenticationRequired","message":"Invalid"}') == ""
    assert kept("https://x.example/oauth2/token", 400, f'{{"access_token":"{JWT}"}}') == ""


def test_a_successful_answer_is_not_kept_and_a_failure_keeps_only_its_words():
    url = "https://mastodon.example/api/v1/statuses"
    assert kept(url, 200, '{"id":"1","content":"<p>The appeal closes on 4 May.</p>"}') == ""
    said = kept(url, 422, '{"error":"Validation failed: Text character limit of 500 exceeded"}')
    assert said == "Validation failed: Text character limit of 500 exceeded"


@pytest.mark.parametrize(
    "text",
    [
        f'{{"accessJwt":"{JWT}","handle":"a.test"}}',
        f"Authorization: Bearer {JWT[:40]}",
        "access_token=Zx81kq0aa9Q2&state=1",
        '{"refresh_token": "r-123456789", "ok": true}',
        f"token {JWT} expired",
    ],
)
def test_token_shaped_values_are_scrubbed(text):
    scrubbed = scrub(text)
    assert "[removed]" in scrubbed
    for secret in (JWT[:20], JWT[-12:], "Zx81kq0aa9Q2", "r-123456789"):
        assert secret not in scrubbed


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=200))
def test_scrubbing_never_lets_a_jwt_through_whatever_surrounds_it(around):
    scrubbed = scrub(f"{around}{JWT}{around}")
    assert JWT[-12:] not in scrubbed
