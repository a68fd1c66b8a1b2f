"""Parts of the Today page and of the posts search are cached under the record's version: each
change made through an action shows at once, for every role, and a second look at an unchanged
desk does not work the parts out again."""

import re
import threading

from django.db import connection
from django.test.utils import CaptureQueriesContext

from amends.actions import (
    Apologise,
    ApproveDeletion,
    CloseIncident,
    Correct,
    OpenIncident,
    Publish,
    RequestDeletion,
)
from amends.web.fragments import key_for, versioned


def today(client) -> str:
    response = client.get("/desk/")
    assert response.status_code == 200
    return response.content.decode()


def test_every_change_shows_on_today_at_once(people, client):
    client.force_login(people.sam)
    post = Publish(people.alice, account="house:news", text="The appeal closes on 4 May.").run()
    assert "No incident is open." in today(client)

    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="date",
        rationale="Opened for the test.",
    ).run()
    page = today(client)
    assert f"/desk/incidents/{incident.pk}/" in page
    assert "<strong>1</strong> open." in page

    Apologise(people.alice, post=post.pk, text="Sorry: the date we gave was wrong.").run()
    assert 'Apologise: <span class="status-done">done</span>' in today(client)

    other = Publish(people.alice, account="house:news", text="Suspect named.").run()
    deletion = RequestDeletion(
        people.alice,
        post=other.pk,
        ground="prejudicial",
        explanation="Trial.",
        rationale="Asked for in the test.",
    ).run()
    page = today(client)
    assert '<strong>1</strong> waiting: <a href="/desk/approvals/">decide them</a>' in page
    assert f'<a href="/desk/approvals/{deletion.pk}/">Deletion {deletion.pk}</a>' in page
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    page = today(client)
    assert f"Deletion {deletion.pk}" not in page
    assert "<strong>0</strong> waiting" in page

    Correct(people.alice, post=post.pk, text="The appeal closes on 14 May.", reason="Date").run()
    CloseIncident(
        people.sam,
        incident=incident.pk,
        statement="We corrected the date and apologised.",
        rationale="Closed in the test.",
    ).run()
    page = today(client)
    assert f"/desk/incidents/{incident.pk}/" not in page
    assert "No incident is open." in page


def test_what_is_cached_for_one_role_is_not_shown_to_another(people, client):
    post = Publish(people.alice, account="house:news", text="Suspect named.").run()
    RequestDeletion(
        people.alice,
        post=post.pk,
        ground="prejudicial",
        explanation="Trial.",
        rationale="Asked for in the test.",
    ).run()
    client.force_login(people.sam)
    assert "decide them" in today(client)
    client.force_login(people.alice)
    page = today(client)
    assert "<strong>1</strong> waiting" in page
    assert "decide them" not in page


def test_a_second_look_at_an_unchanged_desk_does_not_work_it_out_again(people, client):
    post = Publish(people.alice, account="house:news", text="The appeal closes on 4 May.").run()
    OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="serious",
        summary="date",
        rationale="Opened for the test.",
    ).run()
    client.force_login(people.sam)

    with CaptureQueriesContext(connection) as first:
        today(client)
    with CaptureQueriesContext(connection) as second:
        today(client)

    def asked(captured, table):
        return [q for q in captured.captured_queries if f'"{table}"' in q["sql"]]

    assert asked(first, "desk_incident")
    assert not asked(second, "desk_incident")
    assert not asked(second, "desk_revision")
    assert len(second.captured_queries) < len(first.captured_queries)


def test_the_posts_search_shows_a_correction_at_once(people, client):
    post = Publish(people.alice, account="house:news", text="A burglary in Mill Lane.").run()
    Publish(people.alice, account="house:news", text="Road closed on High Street.").run()
    client.force_login(people.alice)

    found = client.get("/desk/posts/", {"q": "Mill Lane"}).content.decode()
    assert "1 post." in found
    assert client.get("/desk/posts/", {"q": "Mill Road"}).content.decode().count("1 post.") == 0

    Correct(people.alice, post=post.pk, text="A burglary in Mill Road.", reason="Street").run()
    assert "0 posts." in client.get("/desk/posts/", {"q": "Mill Lane"}).content.decode()
    found = client.get("/desk/posts/", {"q": "Mill Road"}).content.decode()
    assert "1 post." in found
    assert f"/desk/posts/{post.pk}/" in found
    assert "corrected" in found


def test_the_incident_page_shows_each_step_as_it_is_done(people, client):
    post = Publish(people.alice, account="house:news", text="The appeal closes on 4 May.").run()
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="date",
        rationale="Opened for the test.",
    ).run()
    client.force_login(people.alice)
    url = f"/desk/incidents/{incident.pk}/"

    def steps():
        page = client.get(url).content.decode()
        return re.findall(r'<span class="tag status-([a-z-]+)">', page), page

    assert steps()[0][:2] == ["to-do", "to-do"]
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    assert not [q for q in again.captured_queries if '"desk_revision"' in q["sql"]]

    Apologise(people.alice, post=post.pk, text="Sorry: the date we gave was wrong.").run()
    assert steps()[0][:2] == ["done", "to-do"]
    Correct(people.alice, post=post.pk, text="The appeal closes on 14 May.", reason="Date").run()
    found, page = steps()
    assert found[:2] == ["done", "done"]
    assert "Post corrected" in page  # the timeline, from the record


def test_a_part_is_worked_out_once_however_many_ask_for_it_at_once():
    made, got, working = [], [], threading.Event()
    release = threading.Event()

    def make():
        made.append(threading.get_ident())
        working.set()
        release.wait(5)  # twenty people ask while the first is still working it out
        return "the part"

    key = key_for("test", "version-1")
    askers = [threading.Thread(target=lambda: got.append(versioned(key, make))) for _ in range(20)]
    for asker in askers:
        asker.start()
    assert working.wait(5)
    release.set()
    for asker in askers:
        asker.join(5)

    assert len(made) == 1
    assert got == ["the part"] * 20
    assert versioned(key_for("test", "version-2"), lambda: "the next") == "the next"


# --- what needs you now ------------------------------------------------------------------------


def _needs(client, who) -> str:
    client.force_login(who)
    page = client.get("/desk/").content.decode()
    start = page.index('id="h-needs"')
    return page[start : page.index("</section>", start)]


def test_what_needs_you_now_is_by_role_and_most_serious_first(people, client):
    from amends.actions import OpenIncident, Publish, RequestDeletion

    minor = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    grave = Publish(people.alice, account="house:news", text="Named a suspect.").run()
    small = OpenIncident(
        people.alice, post=minor.pk, kind="fact", severity="minor", summary="s", rationale="r"
    ).run()
    big = OpenIncident(
        people.alice, post=grave.pk, kind="harmful", severity="critical", summary="s", rationale="r"
    ).run()
    RequestDeletion(
        people.alice, post=grave.pk, ground="prejudicial", explanation="x", rationale="r"
    ).run()

    sam = _needs(client, people.sam)
    assert sam.index(f"deletion of post {grave.pk}") < sam.index(f"Incident {small.pk} (minor)")
    assert "Decide:" in sam
    # The requester is never asked to decide her own request; an auditor is asked nothing.
    alice = _needs(client, people.alice)
    assert f"deletion of post {grave.pk}" not in alice
    assert f"Incident {big.pk} (critical): explain deletion" in alice
    assert alice.index(f"Incident {big.pk} (critical)") < alice.index(
        f"Incident {small.pk} (minor): apologise"
    )
    assert "Nothing needs you now." in _needs(client, people.fiona)


def test_the_start_box_finds_a_post_by_its_words(people, client):
    from amends.actions import Publish

    Publish(people.alice, account="house:news", text="Mill Lane is closed until Friday.").run()
    client.force_login(people.alice)
    found = client.post("/desk/posts/adopt/", {"url": "Mill Lane", "back": "today"})
    assert found.status_code == 302
    assert found.url == "/desk/posts/?q=Mill+Lane"
    assert "Mill Lane is closed" in client.get(found.url).content.decode()


def test_the_records_state_is_for_auditors_and_admins(people, client):
    client.force_login(people.alice)
    assert 'id="h-record"' not in client.get("/desk/").content.decode()
    client.force_login(people.fiona)
    assert 'id="h-record"' in client.get("/desk/").content.decode()
