"""The desk's actions: each step of good practice, its rules, and who may take it."""

import json

import pytest

from amends.actions import (
    AddAccount,
    AddUser,
    Apologise,
    ApproveDeletion,
    CloseIncident,
    Correct,
    Forbidden,
    OpenIncident,
    PlaceHold,
    PolicyViolation,
    Publish,
    RejectDeletion,
    ReleaseHold,
    Reply,
    RequestDeletion,
    Unseal,
)
from amends.connectors import CONNECTORS
from amends.desk.models import Deletion
from amends.desk.reports import incident_report, post_history
from amends.errors import BadInput, NotFound, Refused
from amends.record import api as record

ORIGINAL = "The appeal closes on 4 May. Call 101."
FIXED = "The appeal closes on 14 May. Call 101."
APOLOGY = "Sorry: the date we gave for the appeal was wrong."


@pytest.fixture
def post(people):
    return Publish(people.alice, account="house:news", text=ORIGINAL).run()


def kinds():
    return [e.kind for e in record.entries(0, 10_000)]


def test_publishing_records_the_exact_wording_before_any_edit(people, post):
    history = post_history(post.pk)
    assert history["status"] == "live"
    assert history["revisions"][0]["text"] == ORIGINAL
    entry = record.entries_about(post.subject)[0]
    assert json.loads(entry.leaf)["kind"] == "post.published"
    assert record.read(entry.seq) == ORIGINAL.encode()


def test_a_correction_keeps_every_wording_and_records_why(people, post):
    Correct(people.alice, post=post.pk, text=FIXED, reason="Wrong date").run()
    history = post_history(post.pk)
    assert history["status"] == "corrected"
    assert [r["text"] for r in history["revisions"]] == [ORIGINAL, FIXED]
    assert history["revisions"][1]["reason"] == "Wrong date"
    assert kinds()[-1] == "post.revised"


def test_a_correction_must_change_something_and_give_a_reason(people, post):
    with pytest.raises(BadInput, match=r"^text: is the same"):
        Correct(people.alice, post=post.pk, text=ORIGINAL, reason="none").run()
    with pytest.raises(BadInput, match=r"^reason: must not be empty"):
        Correct(people.alice, post=post.pk, text=FIXED, reason=" ").run()
    assert post_history(post.pk)["status"] == "live"


def test_an_apology_with_errors_is_blocked_unless_insisted_and_then_recorded(people, post):
    size = record.size()
    with pytest.raises(PolicyViolation, match="conditional"):
        Apologise(people.alice, post=post.pk, text="Sorry if anyone was upset, it was wrong.").run()
    assert record.size() == size
    apology = Apologise(
        people.alice,
        post=post.pk,
        text="Sorry if anyone was upset, it was wrong.",
        anyway=True,
        override_reason="Overridden in the test.",
    ).run()
    leaf = json.loads(record.entries_about(apology.subject)[0].leaf)
    assert leaf["kind"] == "apology.published"
    assert leaf["data"]["anyway"] is True
    assert leaf["data"]["findings"][0]["code"] == "conditional"


def test_checking_an_apology_publishes_nothing(people, post):
    size = record.size()
    action = Apologise(people.alice, post=post.pk, text="We regret the error.", check=True)
    assert action.run() is None
    assert {f.code for f in action.findings} >= {"no_apology"}
    assert record.size() == size


def test_a_deletion_needs_a_ground_from_policy(people, post):
    with pytest.raises(BadInput) as caught:
        RequestDeletion(
            people.alice,
            post=post.pk,
            ground="embarrassing",
            explanation="x",
            rationale="Asked for in the test.",
        ).run()
    assert str(caught.value) == (
        "ground: 'embarrassing' is not a ground for deletion; "
        "allowed: illegal, offensive, prejudicial, personal_data, identified_person"
    )
    assert not Deletion.objects.exists()


def test_author_cannot_approve_own_deletion_and_a_supervisor_cannot_either(people, post):
    own = RequestDeletion(
        people.sam,
        post=post.pk,
        ground="offensive",
        explanation="Rude.",
        rationale="Asked for in the test.",
    ).run()
    with pytest.raises(Forbidden, match="another supervisor must decide"):
        ApproveDeletion(people.sam, deletion=own.pk, rationale="Approved in the test.").run()
    with pytest.raises(Forbidden, match="only supervisor"):
        ApproveDeletion(people.alice, deletion=own.pk, rationale="Approved in the test.").run()
    assert Deletion.objects.get().status == "pending"


def test_approval_removes_the_post_publicly_and_seals_the_original(people, post):
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="prejudicial",
        explanation="It named a suspect.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    history = post_history(post.pk)
    assert history["status"] == "deleted"
    assert history["revisions"][0] == {**history["revisions"][0], "text": None, "sealed": True}
    assert kinds()[-3:] == ["deletion.approved", "post.deleted", "content.sealed"]
    assert record.verify().ok


def test_a_hold_blocks_deletion(people, post):
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="offensive",
        explanation="x",
        rationale="Asked for in the test.",
    ).run()
    hold = PlaceHold(people.fiona, post=post.pk, reference="FOI/2026/7").run()
    with pytest.raises(PolicyViolation, match="FOI/2026/7"):
        ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    ReleaseHold(people.fiona, hold=hold.pk).run()
    assert (
        ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.")
        .run()
        .status
        == "done"
    )


def test_a_rejected_deletion_leaves_the_post_live(people, post):
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="offensive",
        explanation="x",
        rationale="Asked for in the test.",
    ).run()
    RejectDeletion(people.sam, deletion=deletion.pk, rationale="A correction is enough.").run()
    assert post_history(post.pk)["status"] == "live"
    assert kinds()[-1] == "deletion.rejected"


def test_only_auditors_unseal_and_every_access_is_recorded(people, post):
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="offensive",
        explanation="x",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    for who in (people.alice, people.sam, people.adam, people.olly):
        with pytest.raises(Forbidden):
            Unseal(who, post=post.pk, purpose="curious", reference="none").run()
    assert "content.accessed" not in kinds()
    texts = Unseal(people.fiona, post=post.pk, purpose="Complaint", reference="CO/9").run()
    assert texts == {1: ORIGINAL}
    access = json.loads(record.entries(0, 1000)[-1].leaf)
    assert (access["kind"], access["actor"]) == ("content.accessed", "fiona")
    assert access["data"]["reference"] == "CO/9"


def test_an_incident_walks_the_five_steps(people, post):
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Date",
        rationale="Opened for the test.",
    ).run()
    report = incident_report(incident.pk)
    assert report["steps"] == [
        {"step": "apologise", "status": "to do"},
        {"step": "amend", "status": "to do"},
        {"step": "explain", "status": "not applicable"},
        {"step": "laugh", "status": "optional"},
        {"step": "move_on", "status": "to do"},
    ]
    Apologise(people.alice, post=post.pk, text=APOLOGY).run()
    Correct(people.alice, post=post.pk, text=FIXED, reason="Wrong date").run()
    CloseIncident(
        people.sam,
        incident=incident.pk,
        statement="Put right. Thank you.",
        rationale="Closed in the test.",
    ).run()
    report = incident_report(incident.pk)
    assert report["status"] == "closed"
    assert {s["step"]: s["status"] for s in report["steps"]} == {
        "apologise": "done",
        "amend": "done",
        "explain": "not applicable",
        "laugh": "optional",
        "move_on": "done",
    }
    # The apology and the correction; the final statement does not count.
    assert report["budget"] == {"used": 2, "limit": 3}
    assert report["time_to_apology"] >= 0
    assert [e["kind"] for e in report["timeline"]][:2] == ["post.published", "incident.opened"]


def test_laughing_is_not_offered_after_a_serious_incident(people, post):
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="serious",
        summary="x",
        rationale="Opened for the test.",
    ).run()
    steps = {s["step"]: s["status"] for s in incident_report(incident.pk)["steps"]}
    assert steps["laugh"] == "not applicable"


def test_the_tone_guard_refuses_humour_about_a_serious_incident(people, post):
    OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="critical",
        summary="x",
        rationale="Opened for the test.",
    ).run()
    with pytest.raises(PolicyViolation, match=r"humour \(Oops, 😂\)"):
        Reply(people.alice, post=post.pk, text="Oops 😂 we will fix it").run()
    with pytest.raises(PolicyViolation, match="humour"):
        Apologise(people.alice, post=post.pk, text=f"{APOLOGY} lol").run()
    reply = Reply(
        people.alice,
        post=post.pk,
        text="Oops 😂",
        anyway=True,
        override_reason="Overridden in the test.",
    ).run()
    leaf = json.loads(record.entries_about(reply.subject)[0].leaf)
    assert leaf["data"]["anyway"] is True
    assert leaf["data"]["overridden"] == ["tone"]


def test_humour_is_allowed_after_a_minor_slip(people, post):
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="typo",
        rationale="Opened for the test.",
    ).run()
    reply = Reply(people.alice, post=post.pk, text="Oops, typo fixed :)").run()
    assert post_history(reply.pk)["revisions"][0]["text"] == "Oops, typo fixed :)"
    assert reply.in_reply_to_id == post.pk
    leaf = record.entries_about(reply.subject)[0].read()
    assert leaf.actor == "alice"
    assert leaf.data["anyway"] is False  # nothing overridden: the tone guard let it through
    assert leaf.data["overridden"] == []
    steps = {s["step"]: s["status"] for s in incident_report(incident.pk)["steps"]}
    assert steps["laugh"] != "not applicable"


def test_replying_past_the_budget_or_after_closing_is_refused(people, post, settings):
    settings.RESPONSE_BUDGETS = {**settings.RESPONSE_BUDGETS, "minor": 2}
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="x",
        rationale="Opened for the test.",
    ).run()
    Reply(people.alice, post=post.pk, text="Thanks, fixing it.").run()
    Reply(people.alice, post=post.pk, text="Fixed now.").run()
    with pytest.raises(PolicyViolation, match=r"budget of incident \d+ is spent \(2 of 2\)"):
        Reply(people.alice, post=post.pk, text="One more thing").run()
    CloseIncident(
        people.sam,
        incident=incident.pk,
        statement="Done.",
        rationale="Closed in the test.",
        not_needed={"apologise": "Replies said sorry.", "amend": "Nothing was wrong."},
    ).run()
    with pytest.raises(PolicyViolation, match="is closed; move on"):
        Reply(people.alice, post=post.pk, text="Also").run()
    assert (
        Reply(
            people.alice,
            post=post.pk,
            text="Also",
            anyway=True,
            override_reason="Overridden in the test.",
        )
        .run()
        .pk
    )


def test_closing_needs_a_statement_and_a_supervisor(people, post):
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="x",
        rationale="Opened for the test.",
    ).run()
    with pytest.raises(BadInput, match=r"^statement: must not be empty"):
        CloseIncident(
            people.sam, incident=incident.pk, statement="", rationale="Closed in the test."
        ).run()
    with pytest.raises(Forbidden):
        CloseIncident(
            people.alice, incident=incident.pk, statement="Done", rationale="Closed in the test."
        ).run()


@pytest.mark.parametrize("who", ["olly", "fiona", "adam"])
def test_outsiders_auditors_and_admins_cannot_write_posts(people, post, who):
    size = record.size()
    user = getattr(people, who)
    for action in (
        Publish(user, account="house:news", text="x"),
        Correct(user, post=post.pk, text="y", reason="z"),
        Apologise(user, post=post.pk, text=APOLOGY),
        Reply(user, post=post.pk, text="x"),
        RequestDeletion(
            user,
            post=post.pk,
            ground="offensive",
            explanation="x",
            rationale="Asked for in the test.",
        ),
        OpenIncident(
            user,
            post=post.pk,
            kind="fact",
            severity="minor",
            summary="x",
            rationale="Opened for the test.",
        ),
    ):
        with pytest.raises(Forbidden):
            action.run()
    assert record.size() == size


def test_only_auditors_place_holds(people, post):
    for who in (people.alice, people.sam, people.olly):
        with pytest.raises(Forbidden):
            PlaceHold(who, post=post.pk, reference="X").run()


def test_only_admins_add_users_and_accounts_from_the_desk(people):
    with pytest.raises(Forbidden):
        AddUser(people.sam, name="eve", role="admin").run()
    assert AddUser(people.adam, name="eve", role="author").run().username == "eve"
    with pytest.raises(Forbidden):
        AddAccount(people.alice, key="house:other").run()
    every = ", ".join(sorted(CONNECTORS))  # the registry's platforms, named in the refusal
    with pytest.raises(BadInput, match=f"unknown platform 'myspace'; allowed: {every}$"):
        AddAccount(people.adam, key="myspace:x").run()
    with pytest.raises(Refused, match="exists already"):
        AddAccount(people.adam, key="house:news").run()


def test_unknown_things_are_named(people):
    with pytest.raises(NotFound, match=r"^post: there is no post 999"):
        Correct(people.alice, post=999, text="x", reason="y").run()
    with pytest.raises(BadInput, match=r"^post: must be a number"):
        Correct(people.alice, post="abc", text="x", reason="y").run()
    with pytest.raises(NotFound, match=r"^account: there is no account house:gone"):
        Publish(people.alice, account="house:gone", text="x").run()


def test_a_page_that_cannot_be_written_does_not_undo_a_committed_change(people, monkeypatch):
    from amends.site import render

    def full_disk(pages):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render, "update", full_disk)
    post = Publish(people.alice, account="house:news", text="Still recorded").run()
    assert post_history(post.pk)["revisions"][0]["text"] == "Still recorded"
    assert kinds()[-1] == "post.published"


def test_a_sealed_apology_leaves_no_words_of_it_in_the_record(people, post):
    apology = Apologise(
        people.alice,
        post=post.pk,
        text="We apologise if anyone was upset by it.",
        anyway=True,
        override_reason="Overridden in the test.",
    ).run()
    deletion = RequestDeletion(
        people.alice,
        post=apology.pk,
        ground="offensive",
        explanation="It made things worse.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    leaves = b"".join(bytes(e.leaf) for e in record.entries(0, 10_000))
    assert b"anyone was upset" not in leaves
    published = next(e for e in record.entries_about(apology.subject))
    assert json.loads(published.leaf)["data"]["findings"][0].keys() == {"severity", "code"}


def test_an_account_handle_must_be_whole_with_nothing_after_it(people):
    from amends.actions import AddAccount
    from amends.desk.models import Account

    before = Account.objects.count()
    with pytest.raises(BadInput, match=r"handle"):
        AddAccount(people.adam, key="house:events\n", name="Events").run()
    assert Account.objects.count() == before
