"""One incident, every channel: the same wrong message on the force's site, its WordPress and
its Bluesky account is found, added to one incident, and corrected once — reaching all three
real servers, each by its own strategy."""

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.actions import (
    AddAccount,
    AddToIncident,
    AdoptPost,
    CorrectEverywhere,
    OpenIncident,
    Publish,
)
from amends.actions.channels import suggestions
from amends.delivery.models import Delivery
from amends.delivery.worker import Worker
from amends.desk.models import Revision
from amends.desk.reports import incident_report
from amends.errors import BadInput, Refused
from amends.text.similar import likeness, normalised, same_message
from tests.support import bluesky as support

WRONG = "Witness appeal: the appeal closes on 4 May. Call 101 with information."
FIXED = "Witness appeal: the appeal closes on 14 May. Call 101 with information."


# --- the matcher -------------------------------------------------------------------------------

words = st.lists(st.from_regex(r"[a-z]{2,9}", fullmatch=True), min_size=3, max_size=30)


@given(words)
def test_a_message_is_the_same_message_whatever_its_links_tags_and_case(ws):
    text = " ".join(ws)
    dressed = f"{text.upper()} https://t.co/abc123 #police @partner"
    assert same_message(text, dressed)
    assert likeness(text, text) == 1.0


@given(words, words)
def test_the_quick_bounds_never_change_whether_two_wordings_are_the_same(a, b):
    """The matcher skips the full comparison when a cheap upper bound is already below NEAR:
    the decision is the full comparison's."""
    from difflib import SequenceMatcher

    from amends.text.similar import NEAR, likeness_of

    full = SequenceMatcher(None, tuple(a), tuple(b), autojunk=False).ratio()
    assert (likeness_of(tuple(a), tuple(b)) >= NEAR) == (full >= NEAR)


def test_a_different_message_is_not_the_same():
    assert not same_message(WRONG, "Road closed on Mill Lane until Friday.")
    assert same_message(WRONG, WRONG.replace("Call 101", "Ring 101"))
    assert normalised("Café, 4 MAY!") == "cafe 4 may"


# --- adding channels ---------------------------------------------------------------------------


def _incident(people, post):
    return OpenIncident(
        people.alice, post=post.pk, kind="fact", severity="minor", summary="s", rationale="r"
    ).run()


def test_the_same_message_on_another_account_is_suggested_and_added(people):
    AddAccount(None, key="house:events", name="Events", as_operator=True).run()
    first = Publish(people.alice, account="house:news", text=WRONG).run()
    twin = Publish(people.alice, account="house:events", text=WRONG + " #appeal").run()
    Publish(people.alice, account="house:events", text="Road closed on Mill Lane.").run()
    incident = _incident(people, first)
    assert [p for p, _ in suggestions(incident)] == [twin]
    AddToIncident(people.alice, incident=incident.pk, post=twin.pk).run()
    assert incident.posts() == [first, twin]
    assert suggestions(incident) == []
    with pytest.raises(Refused, match="already in incident"):
        AddToIncident(people.alice, incident=incident.pk, post=twin.pk).run()
    report = incident_report(incident.pk)
    assert [c["post"] for c in report["channels"]] == [first.pk, twin.pk]
    assert "incident.post_added" in [e["kind"] for e in report["timeline"]]


def test_a_post_in_another_open_incident_is_not_taken(people):
    one = Publish(people.alice, account="house:news", text=WRONG).run()
    two = Publish(people.alice, account="house:news", text=WRONG + " Again.").run()
    incident = _incident(people, one)
    _incident(people, two)
    with pytest.raises(Refused, match="still open"):
        AddToIncident(people.alice, incident=incident.pk, post=two.pk).run()


def test_one_channel_that_cannot_take_the_correction_stops_all(people):
    AddAccount(None, key="x:police", secrets={"token": "t"}, as_operator=True).run()
    first = Publish(people.alice, account="house:news", text=WRONG).run()
    twin = Publish(people.alice, account="x:police", text=WRONG).run()
    incident = _incident(people, first)
    AddToIncident(people.alice, incident=incident.pk, post=twin.pk).run()
    before = Revision.objects.count()
    long = FIXED + " More detail." * 25  # fits the site, not X's 280
    with pytest.raises(BadInput, match=r"on x:police, post \d+; nothing was sent anywhere"):
        CorrectEverywhere(people.alice, incident=incident.pk, text=long, reason="r").run()
    assert Revision.objects.count() == before


# --- three channels, three real servers ---------------------------------------------------------


@pytest.fixture
def three(people, pds, wordpress):
    """The message on the force's site, on its WordPress and (posted in the app) on Bluesky."""
    sky = support.connect(pds, "c")
    blog = f"wordpress:blog{uuid.uuid4().hex[:6]}"
    AddAccount(
        None,
        key=blog,
        settings={"server": wordpress.url, "user": wordpress.user},
        secrets={"password": wordpress.app_password},
        as_operator=True,
    ).run()
    site = Publish(people.alice, account="house:news", text=WRONG).run()
    on_blog = Publish(people.alice, account=blog, text=WRONG).run()
    uri = sky.post_directly(WRONG)
    drain()
    return {"site": site, "blog": on_blog, "uri": uri, "did": sky.did}


def drain() -> None:
    worker = Worker("test")
    while worker.step():
        pass


def test_a_three_channel_incident_corrected_once_reaches_all_three(
    people, pds, wordpress, settings, three
):
    incident = _incident(people, three["site"])
    AddToIncident(people.alice, incident=incident.pk, post=three["blog"].pk).run()
    skyward = AdoptPost(people.alice, url=three["uri"]).run()
    AddToIncident(people.alice, incident=incident.pk, post=skyward.pk).run()

    action = CorrectEverywhere(people.alice, incident=incident.pk, text=FIXED, reason="Wrong date")
    revisions = action.run()
    assert [c.plan.how for c in action.corrections] == ["site", "edit", "reply"]
    assert len(revisions) == 3
    drain()

    page = (settings.SITE_DIR / "posts" / str(three["site"].pk) / "index.html").read_text()
    assert "<del>" in page
    three["blog"].refresh_from_db()
    number = int(three["blog"].copy.remote_id.split(":")[1])
    assert "inserted text: </span>14</ins>" in wordpress.post(number)["content"]["raw"]
    texts = [r["value"]["text"] for r in pds.list_records(three["did"])]
    assert any("“14”, not “4”" in t for t in texts)
    assert not Delivery.objects.exclude(status="done").exists()
