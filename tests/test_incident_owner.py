"""Who sees an incident through, and the team's notes on it: an owner (the opener, until handed
over) and internal notes, never published, each kept in the record."""

import pytest

from amends.actions import AssignIncident, Forbidden, NoteIncident, OpenIncident, Publish
from amends.errors import BadInput, NotFound, Refused
from amends.record import api as record
from tests.support.cli import run


@pytest.fixture
def incident(people):
    post = Publish(people.alice, account="house:news", text="Named a witness on Mill Lane.").run()
    return OpenIncident(
        people.alice, post=post.pk, kind="harmful", severity="critical", summary="s", rationale="r"
    ).run()


def test_the_opener_owns_it_until_it_is_handed_over(people, incident):
    assert incident.owner == people.alice
    AssignIncident(people.alice, incident=incident.pk, to="sam").run()
    incident.refresh_from_db()
    assert incident.owner == people.sam
    entry = record.entries_about(f"incident:{incident.pk}")[-1].read()
    assert (entry.kind, entry.actor) == ("incident.assigned", "alice")
    assert entry.data == {"incident": incident.pk, "owner": "sam", "was": "alice"}


def test_only_an_author_or_supervisor_takes_it_on(people, incident):
    before = record.size()
    with pytest.raises(BadInput, match="fiona is not an author or a supervisor"):
        AssignIncident(people.alice, incident=incident.pk, to="fiona").run()
    with pytest.raises(NotFound, match="no active user 'nobody'"):
        AssignIncident(people.alice, incident=incident.pk, to="nobody").run()
    with pytest.raises(Refused, match=r"owns incident \d+ already"):
        AssignIncident(people.alice, incident=incident.pk, to="alice").run()
    with pytest.raises(Forbidden):
        AssignIncident(people.fiona, incident=incident.pk, to="sam").run()
    assert record.size() == before


def test_a_note_is_for_the_team_and_its_words_are_the_entrys_content(people, incident, client):
    words = "The witness's family has been told; do not reply to Mr Smith directly."
    note = NoteIncident(people.fiona, incident=incident.pk, text=words).run()
    entry = record.entries_about(f"incident:{incident.pk}")[-1]
    assert entry.kind == "incident.noted"
    assert words not in entry.leaf.decode()  # committed to, not written into the leaf
    assert record.read(note.seq) == words.encode()
    with pytest.raises(BadInput, match="text: must not be empty"):
        NoteIncident(people.alice, incident=incident.pk, text="  ").run()
    with pytest.raises(Forbidden):
        NoteIncident(people.olly, incident=incident.pk, text="x").run()
    client.force_login(people.alice)
    page = client.get(f"/desk/incidents/{incident.pk}/").content.decode()
    assert "do not reply to Mr Smith directly" in page


def test_the_desk_hands_it_over_and_takes_notes(people, incident, client):
    client.force_login(people.alice)
    page = client.get(f"/desk/incidents/{incident.pk}/").content.decode()
    # Harmful words are not repeated on the incident page (they may name someone protected).
    assert "Named a witness on Mill Lane." not in page
    assert "Not shown here: it is harmful" in page
    assert '<option value="sam"' in page
    assert '<option value="fiona"' not in page
    done = client.post(f"/desk/incidents/{incident.pk}/owner/", {"owner": "sam"})
    assert done.status_code == 302
    incident.refresh_from_db()
    assert incident.owner == people.sam
    refused = client.post(f"/desk/incidents/{incident.pk}/owner/", {"owner": "fiona"})
    assert refused.status_code == 400
    added = client.post(f"/desk/incidents/{incident.pk}/notes/", {"text": "Called the family."})
    assert added.url.endswith("#notes")
    assert "Called the family." in client.get(f"/desk/incidents/{incident.pk}/").content.decode()


def test_the_command_line_assigns_and_notes(people, incident):
    out = run("incident", "assign", incident.pk, "--to", "sam", "--as", "alice")
    assert out.exit_code == 0, out.output
    assert f"incident {incident.pk} is now owned by sam" in out.output
    out = run("incident", "note", incident.pk, "--text", "Called the family.", "--as", "sam")
    assert out.exit_code == 0, out.output
    assert "note" in out.output


def test_the_incident_page_says_what_a_wrong_post_said(people, client):
    post = Publish(people.alice, account="house:news", text="The appeal closes on 4 May.").run()
    incident = OpenIncident(
        people.alice, post=post.pk, kind="fact", severity="minor", summary="s", rationale="r"
    ).run()
    client.force_login(people.alice)
    page = client.get(f"/desk/incidents/{incident.pk}/").content.decode()
    assert "The appeal closes on 4 May." in page
