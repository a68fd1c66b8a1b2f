"""Chasing copies, within the budget: telling the place a copy is (a Webmention for a web page,
a reply made beside a platform copy) is recorded as ``copy.notified`` and counted against the
incident's response budget; past it, or once the incident is closed, refused with what the
curve says unless the person insists and says why; nothing is offered for an archive or a
screenshot. And the inbox: what the public said, read and marked handled."""

from datetime import timedelta

import pytest
from django.utils import timezone

from amends.actions import (
    HandleMention,
    NotifyCopy,
    OpenIncident,
    Publish,
    RecordCopy,
)
from amends.actions.base import Forbidden
from amends.copies.models import KnownCopy, Mention, Sent
from amends.copies.register import copies_of
from amends.desk.incidents import budget_used
from amends.errors import AmendsError
from amends.record import api as record
from tests.support.cli import run


@pytest.fixture
def incident(people, settings):
    settings.SITE_URL = "https://news.police.example"
    settings.RESPONSE_BUDGETS = {**settings.RESPONSE_BUDGETS, "minor": 2}
    post = Publish(people.alice, account="house:news", text="Road closed near the Guildhall.").run()
    return OpenIncident(
        people.sam,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Wrong road",
        rationale="The road named was the wrong one.",
    ).run()


def found(people, incident, url, how):
    return RecordCopy(people.alice, post=incident.post_id, url=url, found_by=how).run()


def test_telling_a_web_page_sends_a_webmention_and_counts_against_the_budget(people, incident):
    page = found(people, incident, "https://forum.example/t/9", "text")
    assert [c["offer"] for c in copies_of(incident.post)] == ["webmention"]
    assert budget_used(incident) == 0
    NotifyCopy(people.alice, copy=page.pk).run()
    owed = Sent.objects.get(post=incident.post, target="https://forum.example/t/9")
    assert owed.state == "pending"
    [entry] = record.latest_of_kind("copy.notified", limit=1)
    assert entry.data["how"] == "webmention"
    assert entry.data["copy"] == page.pk
    assert entry.data["incident"] == incident.pk
    assert entry.actor == "alice"
    assert budget_used(incident) == 1
    assert [c["offer"] for c in copies_of(incident.post)] == [None]  # once is enough
    with pytest.raises(AmendsError) as again:
        NotifyCopy(people.alice, copy=page.pk).run()
    assert str(again.value) == f"copy: the place copy {page.pk} is was already told; once is enough"


def test_past_the_budget_chasing_copies_is_refused_unless_insisted(people, incident):
    copies = [found(people, incident, f"https://x.example/status/{n}", "quote") for n in range(3)]
    NotifyCopy(people.alice, copy=copies[0].pk).run()
    NotifyCopy(people.alice, copy=copies[1].pk).run()
    assert budget_used(incident) == 2
    with pytest.raises(AmendsError) as refused:
        NotifyCopy(people.alice, copy=copies[2].pk).run()
    assert str(refused.value).startswith(
        f"post: the response budget of incident {incident.pk} is spent (2 of 2)"
    )
    assert KnownCopy.objects.get(pk=copies[2].pk).notified_at is None  # nothing changed
    with pytest.raises(AmendsError) as reasonless:
        NotifyCopy(people.alice, copy=copies[2].pk, anyway=True).run()
    assert reasonless.value.field == "reason"
    NotifyCopy(
        people.alice, copy=copies[2].pk, anyway=True, override_reason="It is the chief's quote."
    ).run()
    [entry] = record.latest_of_kind("copy.notified", limit=1)
    assert (entry.data["how"], entry.data["overridden"]) == ("reply", ["budget"])
    assert entry.data["override"] == "It is the chief's quote."
    assert budget_used(incident) == 3


def test_once_the_incident_is_closed_copies_are_left(people, incident):
    copy = found(people, incident, "https://forum.example/t/10", "webmention")
    type(incident).objects.filter(pk=incident.pk).update(closed_at=timezone.now())  # as closed
    with pytest.raises(AmendsError) as refused:
        NotifyCopy(people.alice, copy=copy.pk).run()
    assert "is closed; move on rather than chase copies" in str(refused.value)
    assert not Sent.objects.filter(target="https://forum.example/t/10").exists()


@pytest.mark.parametrize("how", ["archive", "screenshot"])
def test_nothing_is_offered_for_an_archive_or_a_screenshot(people, incident, how):
    copy = found(people, incident, "https://web.archive.org/web/2026/x", how)
    assert copies_of(incident.post)[0]["offer"] is None
    with pytest.raises(AmendsError) as refused:
        NotifyCopy(people.alice, copy=copy.pk).run()
    assert refused.value.said == (
        "There is no one to tell about an archive or a screenshot: leave it."
    )
    assert budget_used(incident) == 0


def test_an_auditor_reads_copies_but_does_not_chase_them(people, incident):
    copy = found(people, incident, "https://forum.example/t/11", "text")
    with pytest.raises(Forbidden):
        NotifyCopy(people.fiona, copy=copy.pk).run()


def mentions(incident, count):
    return [
        Mention.objects.create(
            post=incident.post,
            kind="reply",
            url=f"https://social.example/r/{n}",
            author=f"@resident{n}",
            text=f"Which road is it? ({n})",
            at=timezone.now() - timedelta(minutes=count - n),
            found_at=timezone.now(),
        )
        for n in range(count)
    ]


def test_the_inbox_lists_what_waits_newest_first_and_handled_ones_leave_it(people, incident):
    first, second, third = mentions(incident, 3)
    result = run("inbox", incident.pk, "--json")
    assert result.exit_code == 0, result.output
    import json

    listed = json.loads(result.output)
    assert listed["incident"] == incident.pk
    assert [m["id"] for m in listed["mentions"]] == [third.pk, second.pk, first.pk]
    assert listed["mentions"][0]["author"] == "@resident2"
    done = run("inbox", "handled", second.pk, "--as", "alice")
    assert done.exit_code == 0, done.output
    assert done.output == f"mention {second.pk} handled\n"
    listed = json.loads(run("inbox", incident.pk, "--json").output)
    assert [m["id"] for m in listed["mentions"]] == [third.pk, first.pk]
    everything = json.loads(run("inbox", incident.pk, "--all", "--json").output)
    assert [m["handled_by"] for m in everything["mentions"]] == [None, None, "alice"]
    again = run("inbox", "handled", second.pk, "--as", "alice")
    assert again.exit_code != 0
    assert f"mention: mention {second.pk} was already handled" in again.output
    with pytest.raises(Forbidden):
        HandleMention(people.fiona, mention=first.pk).run()


def test_the_command_line_tells_a_copy_and_says_it_counts(people, incident):
    copy = found(people, incident, "https://forum.example/t/12", "pingback")
    result = run("copies", "notify", copy.pk, "--as", "alice")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"copy {copy.pk}: its owner is told of the correction (counted against the budget)\n"
    )
    assert budget_used(incident) == 1


def test_on_the_desk_a_copy_is_told_with_the_budget_in_view(people, incident, client):
    from amends.actions import Correct

    Correct(
        people.alice, post=incident.post_id, text="Road closed near the Library.", reason="Road"
    ).run()  # one of the budget's two
    quote = found(people, incident, "https://x.example/status/7", "quote")
    client.force_login(people.alice)
    page = client.get(f"/desk/copies/{quote.pk}/notify/").content.decode()
    assert "Reply beside that copy, in the platform's own app, with the correction." in page
    assert "“Library”, not “Guildhall”" in page  # the words to use
    assert "Response budget: 1 of 2 used. Telling them counts as one more." in page
    answer = client.post(f"/desk/copies/{quote.pk}/notify/", {})
    assert answer.status_code == 302
    assert answer["Location"] == f"/desk/posts/{incident.post_id}/#copies"
    shown = client.get(answer["Location"]).content.decode()
    assert "Your reply beside that copy is recorded." in shown
    assert "told of the correction" in shown

    # The budget is spent: the next is refused in words, with nothing changed.
    other = found(people, incident, "https://forum.example/t/20", "text")
    refused = client.post(f"/desk/copies/{other.pk}/notify/", {})
    assert refused.status_code == 409
    said = refused.content.decode()
    assert "The response budget of incident" in said
    assert "--" not in said.split('class="error-summary"')[1].split("</div>")[0]
    assert KnownCopy.objects.get(pk=other.pk).notified_at is None
    insisted = client.post(
        f"/desk/copies/{other.pk}/notify/",
        {"anyway": "on", "override_reason": "The force's own partner site."},
    )
    assert insisted.status_code == 302
    assert Sent.objects.filter(target="https://forum.example/t/20").exists()


def test_the_inbox_on_the_desk_reads_and_marks_handled(people, incident, client):
    first, second = mentions(incident, 2)
    client.force_login(people.alice)
    page = client.get(f"/desk/incidents/{incident.pk}/inbox/").content.decode()
    assert page.index("Which road is it? (1)") < page.index("Which road is it? (0)")
    assert f'href="/desk/posts/{incident.post_id}/reply/"' in page
    incident_page = client.get(f"/desk/incidents/{incident.pk}/").content.decode()
    assert "What the public said: 2 waiting to be read" in incident_page
    done = client.post(f"/desk/mentions/{second.pk}/handled/")
    assert done["Location"] == f"/desk/incidents/{incident.pk}/inbox/"
    page = client.get(done["Location"]).content.decode()
    assert "Marked as handled." in page
    assert "Which road is it? (1)" not in page
    assert (
        "Which road is it? (1)"
        in client.get(f"/desk/incidents/{incident.pk}/inbox/?all=1").content.decode()
    )
    client.force_login(people.fiona)  # an auditor reads it, and cannot mark it
    assert client.get(f"/desk/incidents/{incident.pk}/inbox/").status_code == 200
    assert client.post(f"/desk/mentions/{first.pk}/handled/").status_code == 403
