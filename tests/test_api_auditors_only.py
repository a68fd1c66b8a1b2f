"""The API shows auditors' purposes and references to auditors only, as the desk does (security
issue, finding 8): an access to sealed content or an export names why and for which case."""

import base64
import json

import pytest

from amends.actions import ApproveDeletion, Publish, RequestDeletion, Unseal
from amends.record import api as record
from tests.support.api import Api, token_for

PURPOSE, REFERENCE = "Complaint about Officer Grey", "PSD/2026/77"


@pytest.fixture
def accessed(people):
    post = Publish(people.alice, account="house:news", text="Named a witness.").run()
    asked = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="prejudicial",
        explanation="Named a witness.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=asked.pk, rationale="Approved in the test.").run()
    Unseal(people.fiona, post=post.pk, purpose=PURPOSE, reference=REFERENCE).run()
    [entry] = [e for e in record.entries(0, 1000) if e.kind == "content.accessed"]
    return entry


@pytest.mark.parametrize("persona", ["alice", "sam", "adam"])
def test_others_see_that_an_access_happened_but_not_why(people, accessed, persona):
    response = Api(token_for(getattr(people, persona))).get("/api/record/entries", limit=1000)
    assert response.status_code == 200
    assert PURPOSE.encode() not in response.content
    assert REFERENCE.encode() not in response.content
    [row] = [r for r in response.json()["entries"] if r["seq"] == accessed.seq]
    assert row["leaf"] is None
    assert row["hash"] == accessed.leaf_hash.hex()  # proofs still check
    assert "auditors only" in row["withheld"]


def test_auditors_see_the_exact_leaf(people, accessed):
    response = Api(token_for(people.fiona)).get("/api/record/entries", limit=1000)
    [row] = [r for r in response.json()["entries"] if r["seq"] == accessed.seq]
    leaf = json.loads(base64.b64decode(row["leaf"]))
    assert (leaf["data"]["purpose"], leaf["data"]["reference"]) == (PURPOSE, REFERENCE)
    assert row.get("withheld") is None


def test_other_entries_are_shown_whole_to_everyone(people, accessed):
    response = Api(token_for(people.alice)).get("/api/record/entries", limit=1000)
    rows = [r for r in response.json()["entries"] if r["kind"] == "post.published"]
    assert rows
    assert all(r["leaf"] for r in rows)
