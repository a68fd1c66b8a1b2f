"""Nextdoor, where a force has no API: the post is adopted from its link with its words pasted,
and every step — the correction, the deletion and its notice — is shown as exactly what to do in
Nextdoor's app and waits until a person confirms it, with a screenshot kept in the record.
Nothing here touches a network: the connector never talks to one."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.actions import (
    AddAccount,
    AdoptPost,
    ConfirmByHand,
    Correct,
    OpenIncident,
    RemoveNow,
)
from amends.connectors import links
from amends.delivery import wording
from amends.delivery.models import Delivery
from amends.delivery.worker import Worker
from amends.desk.incidents import steps
from amends.errors import BadInput
from amends.record import api as record
from tests.support.api import Api, token_for
from tests.support.cli import run

LINK = "https://nextdoor.co.uk/p/Xk7pQ2mZr9Lb?utm_source=share"
WORDS = "Officers will be at Mill Lane on 4 May from 10am. Come and talk to us."
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def account(people, settings):
    settings.BY_HAND_CHECK_SECONDS = 0  # looked for again at once
    AddAccount(None, key="nextdoor:examplepolice", name="Example Police", as_operator=True).run()


def work(times: int = 1) -> None:
    worker = Worker("test")
    for _ in range(times):
        worker.step()


def test_links_name_the_post():
    assert links.nextdoor(LINK) == "Xk7pQ2mZr9Lb"
    assert links.nextdoor("https://nextdoor.com/p/Xk7pQ2mZr9Lb/") == "Xk7pQ2mZr9Lb"
    assert links.nextdoor("https://nextdoor.co.uk/news_feed/") is None
    assert links.nextdoor("https://example.com/p/Xk7pQ2mZr9Lb") is None


@given(st.text(max_size=300))
def test_any_text_is_a_nextdoor_link_or_not_without_failing(junk):
    links.nextdoor(junk)


def test_a_post_is_adopted_with_its_words_pasted_and_says_so(people, account, client):
    with pytest.raises(BadInput, match="wording: Amends cannot read posts on Nextdoor"):
        AdoptPost(people.alice, url=LINK).run()
    post = AdoptPost(people.alice, url=LINK, wording=WORDS).run()
    assert post.wording == WORDS
    assert post.copy.remote_id == "Xk7pQ2mZr9Lb"
    adopted = record.Leaf.parse(record.entries_about(post.subject)[0].leaf)
    assert adopted.data["captured"] == "pasted"
    assert adopted.actor == "alice"
    client.force_login(people.alice)
    page = client.get(f"/desk/posts/{post.pk}/").content.decode()
    assert "Its words were pasted by" in page
    assert "cannot read Nextdoor" in page
    assert AdoptPost(people.alice, url=LINK, wording=WORDS).run() == post  # the same post


def test_every_step_waits_for_a_person_and_is_confirmed_with_a_screenshot(people, account):
    post = AdoptPost(people.alice, url=LINK, wording=WORDS).run()
    incident = OpenIncident(
        people.alice, post=post.pk, kind="fact", severity="minor", summary="Date", rationale="r"
    ).run()
    Correct(people.alice, post=post.pk, text=WORDS.replace("4 May", "14 May"), reason="x").run()
    work()
    edit = Delivery.objects.get(op="edit")
    assert (edit.status, edit.by_hand) == ("pending", True)
    assert "choose Edit post" in edit.error
    assert LINK in edit.error
    assert "14 May" in wording.shown(edit)
    assert next(s for s in steps(incident) if s.step == "amend").status == "to do"
    work()  # looked at again: Nextdoor cannot be read, so it still waits
    edit.refresh_from_db()
    assert edit.status == "pending"
    ConfirmByHand(people.alice, delivery=edit.pk, screenshot=PNG).run()
    assert next(s for s in steps(incident) if s.step == "amend").status == "done"

    RemoveNow(
        people.sam,
        post=post.pk,
        ground="identified_person",
        explanation="It identified someone.",
        rationale="r",
    ).run()
    for op in ("delete", "notice"):  # the notice waits for the deletion to be done
        work()
        waiting = Delivery.objects.get(op=op)
        assert waiting.by_hand
        ConfirmByHand(people.alice, delivery=waiting.pk, note="Done in the app.").run()
    assert not Delivery.objects.filter(status="pending").exists()
    kinds = [record.Leaf.parse(e.leaf).kind for e in record.entries_about(post.subject)]
    assert kinds.count("delivery.confirmed_by_hand") == 3


def test_the_command_line_and_the_api_take_the_words(people, account):
    out = run("adopt", LINK, "--wording", WORDS, "--as", "alice", "--json")
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["adopted"] is True
    answer = Api(token_for(people.alice)).call(
        "POST",
        "/api/posts/adopt",
        {"url": "https://nextdoor.com/p/Other1234", "wording": "Another post."},
    )
    assert answer.status_code == 201, answer.content
    refused = Api(token_for(people.alice)).call(
        "POST", "/api/posts/adopt", {"url": "https://nextdoor.com/p/Third1234"}
    )
    assert refused.status_code == 400
    assert "paste the post's words" in refused.content.decode()


def test_a_step_waiting_by_hand_on_another_channel_keeps_the_incidents_step_to_do(people, account):
    from amends.actions import AddToIncident, Publish

    first = Publish(people.alice, account="house:news", text=WORDS).run()
    twin = AdoptPost(people.alice, url=LINK, wording=WORDS).run()
    incident = OpenIncident(
        people.alice, post=first.pk, kind="harmful", severity="critical", summary="s", rationale="r"
    ).run()
    AddToIncident(people.alice, incident=incident.pk, post=twin.pk).run()
    RemoveNow(
        people.sam,
        post=first.pk,
        ground="identified_person",
        explanation="It identified someone.",
        rationale="r",
        everywhere=True,
    ).run()
    work()
    explain = next(s for s in steps(incident) if s.step == "explain")
    assert explain.status == "to do"
    assert f"by hand on Nextdoor (post {twin.pk})" in explain.note
    for op in ("delete", "notice"):
        work()
        ConfirmByHand(people.alice, delivery=Delivery.objects.get(op=op).pk).run()
    assert next(s for s in steps(incident) if s.step == "explain").status == "done"
