"""Triage when an incident opens: what went wrong decides the playbook (the serious path).
Harmful words come down first and are never corrected, because a correction shows them again."""

import re

import pytest

from amends.actions import Correct, OpenIncident, Publish, Reply
from amends.actions.base import PolicyViolation
from amends.desk.reports import incident_report
from amends.errors import BadInput
from amends.record import api as record
from tests.support.api import Api, token_for
from tests.support.cli import run


@pytest.fixture
def post(people):
    return Publish(people.alice, account="house:news", text="Witness Jo Bloggs saw it.").run()


def steps(incident) -> list[tuple[str, str]]:
    return [(s["step"], s["status"]) for s in incident_report(incident.pk)["steps"]]


def test_what_went_wrong_has_no_default(people, post):
    size = record.size()
    with pytest.raises(BadInput, match=re.escape("kind: must be fact|tone|harmful (got '')")):
        OpenIncident(
            people.alice,
            post=post.pk,
            kind="",
            severity="minor",
            summary="x",
            rationale="Opened for the test.",
        ).run()
    assert record.size() == size


def test_harmful_content_comes_down_first_and_is_never_corrected(people, post):
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="harmful",
        severity="critical",
        summary="Named a witness",
        rationale="Opened for the test.",
    ).run()
    assert steps(incident)[0] == ("explain", "to do")
    assert ("amend", "not applicable") in steps(incident)
    assert ("laugh", "not applicable") in steps(incident)
    for anyway in (False, True):
        with pytest.raises(PolicyViolation, match="would publish the harmful words again"):
            Correct(
                people.alice,
                post=post.pk,
                text="A witness saw it.",
                reason="x",
                anyway=anyway,
                rationale="Overridden in the test.",
            ).run()
    leaf = record.entries_about(f"incident:{incident.pk}")[0].read()
    assert leaf.data["kind"] == "harmful"


def test_a_wrong_fact_keeps_the_five_steps_in_order(people, post):
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Wrong date",
        rationale="Opened for the test.",
    ).run()
    assert [s for s, _ in steps(incident)] == ["apologise", "amend", "explain", "laugh", "move_on"]
    assert ("laugh", "optional") in steps(incident)


def test_no_humour_after_a_misjudged_tone_even_when_minor(people, post):
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="tone",
        severity="minor",
        summary="A joke misfired",
        rationale="Opened for the test.",
    ).run()
    assert ("laugh", "not applicable") in steps(incident)
    with pytest.raises(PolicyViolation, match=r"humour .* is wrong after an incident about a"):
        Reply(people.alice, post=post.pk, text="Oops 😂").run()


def test_the_command_line_needs_the_kind(people, post):
    result = run("incident", "open", post.pk, "--severity", "minor", "--summary", "x",
                 "--rationale", "Decided in the test.", "--as", "alice")  # fmt: skip
    assert result.exit_code == 2
    assert "--kind" in result.stderr


def test_the_api_needs_the_kind(people, post):
    api = Api(token_for(people.alice))
    response = api.post(
        f"/api/posts/{post.pk}/incidents",
        {"severity": "minor", "summary": "x", "rationale": "Opened in the test."},
    )
    assert response.status_code in (400, 422)
    assert "kind" in response.content.decode()
    opened = api.post(
        f"/api/posts/{post.pk}/incidents",
        {"kind": "tone", "severity": "minor", "summary": "x", "rationale": "Opened in the test."},
    )
    assert opened.status_code == 201
    shown = api.get(f"/api/incidents/{opened.json()['incident']}")
    assert shown.json()["kind"] == "tone"


def test_the_desk_asks_both_questions_with_hints_and_no_default(client, people, post):
    client.force_login(people.alice)
    page = client.get(f"/desk/posts/{post.pk}/").content.decode()
    assert "What went wrong?" in page
    assert "How serious is it?" in page
    assert "Take it down: a correction would show the words again." in page
    assert 'name="kind"' in page
    assert "checked" not in page.split('id="open-incident"')[1]
