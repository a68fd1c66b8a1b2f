"""Evidence packs from the desk and the API: auditors only, a purpose and a reference, the
export recorded, and the pack handed over verifies."""

import io

import pytest
from django.test import Client

from amends.actions import ApproveDeletion, OpenIncident, Publish, RequestDeletion
from amends.evidence import verify
from amends.record.models import Entry
from tests.support.api import Api, error, token_for

PERSONAS = ["alice", "sam", "fiona", "adam", "olly"]


@pytest.fixture
def incident(people):
    post = Publish(people.alice, account="house:news", text="Witness named: J. Smith.").run()
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="serious",
        summary="Named",
        rationale="Opened for the test.",
    ).run()
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="prejudicial",
        explanation="A trial is pending.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    return incident


def exports() -> int:
    return Entry.objects.filter(kind="export.created").count()


def verified(content: bytes, tmp_path) -> dict:
    path = tmp_path / "pack.zip"
    path.write_bytes(content)
    return verify.verify(str(path), unwitnessed=True)


def download(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("name", PERSONAS)
def test_only_auditors_reach_evidence_packs(people, incident, name, tmp_path):
    client = Client()
    client.force_login(getattr(people, name))
    form = {"kind": "incident", "subject": str(incident.pk), "purpose": "FOI", "reference": "F/1"}
    page, made = client.get("/desk/exports/"), client.post("/desk/exports/", form)
    if name != "fiona":
        assert (page.status_code, made.status_code) == (403, 403)
        assert exports() == 0
        return
    assert page.status_code == 200
    assert made.status_code == 200
    assert made["Content-Type"] == "application/zip"
    assert made["Cache-Control"] == "private, no-store"
    assert "attachment" in made["Content-Disposition"]
    result = verified(download(made), tmp_path)
    assert result["ok"] is True
    assert exports() == 1
    assert "F/1" in client.get("/desk/exports/").content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, people, incident):
    assert client.get("/desk/exports/").url.startswith("/desk/sign-in/?next=")
    assert client.post("/desk/exports/", {}).url.startswith("/desk/sign-in/?next=")
    assert exports() == 0


@pytest.mark.parametrize(
    ("form", "said"),
    [
        ({"kind": "incident", "subject": "1", "purpose": "", "reference": "R"}, "purpose"),
        ({"kind": "incident", "subject": "1", "purpose": "P", "reference": ""}, "reference"),
        ({"kind": "nothing", "subject": "1", "purpose": "P", "reference": "R"}, "exactly one"),
        ({"kind": "post", "subject": "999", "purpose": "P", "reference": "R"}, "999"),
    ],
)
def test_bad_input_is_named_and_nothing_is_exported(people, incident, form, said):
    client = Client()
    client.force_login(people.fiona)
    response = client.post("/desk/exports/", form)
    assert response.status_code in (400, 404)
    assert said in response.content.decode()
    assert exports() == 0


def test_the_api_hands_an_auditor_the_pack(people, incident, tmp_path):
    body = {"incident": incident.pk, "purpose": "Complaint", "reference": "CO/1"}
    fiona = Api(token_for(people.fiona))
    response = fiona.call("POST", "/api/exports", body)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    content = download(response)
    assert verified(content, tmp_path)["ok"] is True
    assert b"verify.py" in content  # the zip names the verifier inside it
    assert error(fiona.call("POST", "/api/exports", {**body, "purpose": ""}), 400)["field"] == (
        "purpose"
    )
    assert error(Api(token_for(people.sam)).call("POST", "/api/exports", body), 403)["field"] == (
        "as"
    )
    assert exports() == 1
    assert io.BytesIO(content).read(2) == b"PK"
