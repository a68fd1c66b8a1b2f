"""Property tests of the REST API against its own OpenAPI document (schemathesis).

Requests are generated from /api/openapi.json, valid and invalid alike, and sent through the
WSGI application, as an author (who may change posts) and as an auditor (who may place holds
and unseal). No answer may be a server error, and every answer must match the document: a
declared status, a declared content type, a body of the declared shape.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from amends.actions import OpenIncident, Publish
from amends.wsgi import application
from tests.support.api import token_for

pytestmark = pytest.mark.once  # the same whatever the database

CONFIG = {
    "generation": {
        "max-examples": 25,
        "deterministic": True,
        # No example database on disk: runs are reproducible from the code alone.
        "database": "none",
        # The token is sent by the test itself; without this, requests meant to lack it would
        # carry it anyway and be accepted.
        "with-security-parameters": False,
    },
}

CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.negative_data_rejection,
]


# Loaded once, at collection, through the WSGI application: the document needs no database.
# (schemathesis.pytest.from_fixture would load it per test, but it relies on a pytest internal
# that pytest 9 renamed.)
schema = schemathesis.openapi.from_wsgi(
    "/api/openapi.json", application, config=schemathesis.Config.from_dict(CONFIG)
)


@pytest.fixture
def one_connection():
    """Django closes the database connection when a request ends, as a server should; here
    that would end the test's own transaction. Django's test client keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=["alice", "fiona"])
def token(request, people, one_connection):
    """The token of the persona under test, in a desk with a post and an open incident, so
    that some generated requests find something (ids are small numbers)."""
    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Date",
        rationale="Opened for the test.",
    ).run()
    return token_for(getattr(people, request.param))


@schema.parametrize()
# The desk is shared by every generated request of one operation, and may change under them:
# that is the point (later requests meet what earlier ones made), so one fixture is right.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_api_keeps_to_its_openapi_document(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def test_the_document_states_the_rules_the_actions_enforce(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    assert schemas["IncidentIn"]["properties"]["severity"]["enum"] == [
        "minor",
        "serious",
        "critical",
    ]
    assert schemas["IncidentIn"]["properties"]["kind"]["enum"] == ["fact", "tone", "harmful"]
    assert schemas["UserIn"]["properties"]["role"]["enum"] == [
        "author",
        "supervisor",
        "auditor",
        "admin",
    ]
    reference = schemas["UnsealIn"]["properties"]["reference"]
    assert (reference["minLength"], reference["maxLength"]) == (1, 200)
    assert schemas["CorrectIn"]["properties"]["reason"]["maxLength"] == 2000


def test_one_past_a_stated_length_is_refused_as_the_command_line_refuses_it(people):
    from amends.actions import OpenIncident, Publish
    from tests.support.api import Api

    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="x",
        rationale="Opened for the test.",
    ).run()
    response = Api(token_for(people.alice)).post(
        f"/api/posts/{post.pk}/corrections", {"text": "Closes on 14 May.", "reason": "x" * 2001}
    )
    assert response.status_code == 400
    assert response.json()["message"] == "reason: must be at most 2,000 characters"
