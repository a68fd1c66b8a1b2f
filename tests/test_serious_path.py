"""The serious path: harmful words taken down at once and reviewed afterwards, a request
withdrawn, all sending paused, every decision with its rationale, overrides with a reason, and
closing that accounts for every step."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from amends.actions import (
    AddAccount,
    AddToIncident,
    Apologise,
    ApproveDeletion,
    CloseIncident,
    Correct,
    Forbidden,
    OpenIncident,
    PauseSending,
    PlaceHold,
    PolicyViolation,
    Publish,
    RejectDeletion,
    RemoveNow,
    RequestDeletion,
    ResumeSending,
    ReviewRemoval,
    WithdrawDeletion,
)
from amends.delivery.models import Delivery
from amends.delivery.worker import Worker
from amends.desk import incidents as rules
from amends.desk.models import Deletion, Post
from amends.desk.reports import incident_report
from amends.errors import BadInput, Refused
from amends.record import api as record
from tests.support import testbed as platform
from tests.support.api import Api, token_for
from tests.support.cli import run

HARMFUL = "Officers arrested John Smith of 12 Acacia Avenue; witness Mary Jones saw it all."
APOLOGY = "Sorry: the closing date we gave was wrong."


def data(kind: str) -> dict:
    entry = next(e for e in reversed(record.entries(0, 10_000)) if e.kind == kind)
    return json.loads(entry.leaf)["data"]


def kinds() -> list[str]:
    return [e.kind for e in record.entries(0, 10_000)]


def remove(people, post, who=None):
    return RemoveNow(
        who or people.sam,
        post=post.pk,
        ground="identified_person",
        explanation="It identified a witness.",
        rationale="Names a witness; the trial is live.",
    ).run()


@pytest.fixture
def post(people):
    return Publish(people.alice, account="house:news", text=HARMFUL).run()


@pytest.fixture
def frozen(monkeypatch):
    """The clock stands still at a moment the test moves on by hand."""
    moment = {"now": timezone.now()}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


# --- urgent removal ---------------------------------------------------------------------------


def test_a_supervisor_takes_a_post_down_at_once_and_a_review_falls_due(
    people, post, settings, frozen
):
    settings.REVIEW_HOURS = 12
    deletion = remove(people, post)
    assert (deletion.status, deletion.urgent) == ("done", True)
    assert deletion.review_due == frozen["now"] + timedelta(hours=12)
    post.refresh_from_db()
    assert post.status == "deleted"
    assert post.wording == ""
    # The public page is the notice, written now; never the words.
    folder = settings.SITE_DIR / "posts" / str(post.pk)
    assert not (folder / "index.html").exists()  # served as 410 Gone
    page = (folder / "gone.html").read_text()
    assert "witness" in page.lower()  # the explanation
    assert "Acacia" not in page
    assert "Mary Jones" not in page
    urgent = data("deletion.urgent")
    assert urgent["rationale"] == "Names a witness; the trial is live."
    assert urgent["review_due"] == deletion.review_due.isoformat()
    assert kinds()[-3:-1] == ["deletion.urgent", "post.deleted"]
    assert kinds()[-1] == "content.sealed"


def test_only_a_supervisor_may_remove_at_once(people, post):
    with pytest.raises(Forbidden, match="only supervisor may remove posts urgently"):
        remove(people, post, who=people.alice)
    assert not Deletion.objects.exists()


def test_urgent_removal_needs_a_rationale_and_a_ground(people, post):
    with pytest.raises(BadInput, match="rationale"):
        RemoveNow(people.sam, post=post.pk, ground="illegal", explanation="x", rationale=" ").run()
    with pytest.raises(BadInput, match="ground"):
        RemoveNow(people.sam, post=post.pk, ground="boring", explanation="x", rationale="r").run()
    assert not Deletion.objects.exists()


def test_a_hold_blocks_an_urgent_removal_too(people, post):
    PlaceHold(people.fiona, post=post.pk, reference="CO/1").run()
    with pytest.raises(PolicyViolation, match="hold"):
        remove(people, post)
    post.refresh_from_db()
    assert post.status != "deleted"


def test_an_urgent_removal_supersedes_a_request_still_waiting(people, post):
    waiting = RequestDeletion(
        people.alice, post=post.pk, ground="illegal", explanation="x", rationale="r"
    ).run()
    deletion = remove(people, post)
    waiting.refresh_from_db()
    assert waiting.status == "withdrawn"
    assert data("deletion.withdrawn")["reason"] == f"superseded by urgent removal {deletion.pk}"


def test_the_review_is_by_another_supervisor_once_with_a_rationale(people, post):
    deletion = remove(people, post)
    with pytest.raises(Forbidden, match="another supervisor must review"):
        ReviewRemoval(people.sam, deletion=deletion.pk, verdict="confirm", rationale="ok").run()
    with pytest.raises(Forbidden):
        ReviewRemoval(people.alice, deletion=deletion.pk, verdict="confirm", rationale="ok").run()
    with pytest.raises(BadInput, match="rationale"):
        ReviewRemoval(people.sally, deletion=deletion.pk, verdict="confirm", rationale="").run()
    with pytest.raises(BadInput, match="verdict"):
        ReviewRemoval(people.sally, deletion=deletion.pk, verdict="maybe", rationale="r").run()
    reviewed = ReviewRemoval(
        people.sally, deletion=deletion.pk, verdict="disagree", rationale="A correction was enough."
    ).run()
    assert (reviewed.review, reviewed.reviewed_by) == ("disagreed", people.sally)
    assert data("deletion.reviewed") == {
        "deletion": deletion.pk,
        "post": post.pk,
        "review": "disagreed",
        "rationale": "A correction was enough.",
        "late": False,
    }
    with pytest.raises(Refused, match="already reviewed"):
        ReviewRemoval(people.sally, deletion=deletion.pk, verdict="confirm", rationale="r").run()


def test_an_ordinary_deletion_has_no_review(people, post):
    asked = RequestDeletion(
        people.alice, post=post.pk, ground="illegal", explanation="x", rationale="r"
    ).run()
    ApproveDeletion(people.sam, deletion=asked.pk, rationale="It is unlawful.").run()
    with pytest.raises(Refused, match="not an urgent removal"):
        ReviewRemoval(people.sally, deletion=asked.pk, verdict="confirm", rationale="r").run()
    assert data("deletion.approved")["rationale"] == "It is unlawful."


def test_an_overdue_review_is_raised_on_today_for_supervisors_and_admins(
    people, post, client, settings, frozen
):
    settings.REVIEW_HOURS = 2
    deletion = remove(people, post)
    client.force_login(people.sally)
    page = client.get("/desk/").content.decode()
    assert "Urgent removals to review" in page
    assert "Review overdue" not in page
    frozen["now"] += timedelta(hours=2, minutes=1)
    deletion.refresh_from_db()
    assert deletion.review_overdue(frozen["now"])
    for who in (people.sally, people.adam):
        client.force_login(who)
        page = client.get("/desk/").content.decode()
        assert "Review overdue" in page, who.username
    reviewed = ReviewRemoval(
        people.sally, deletion=deletion.pk, verdict="confirm", rationale="Right call."
    ).run()
    assert data("deletion.reviewed")["late"] is True
    assert not reviewed.awaiting_review
    client.force_login(people.sally)
    assert "Urgent removals to review" not in client.get("/desk/").content.decode()


def test_a_supervisor_reviews_in_the_desk(people, post, client):
    deletion = remove(people, post)
    client.force_login(people.sally)
    assert "Confirm the removal" in client.get(f"/desk/approvals/{deletion.pk}/").content.decode()
    # The remover is told someone else must review it, and has no form.
    client.force_login(people.sam)
    page = client.get(f"/desk/approvals/{deletion.pk}/").content.decode()
    assert "another supervisor must review" in page
    assert "Confirm the removal" not in page
    client.force_login(people.sally)
    answer = client.post(
        f"/desk/approvals/{deletion.pk}/", {"decision": "confirm", "rationale": ""}
    )
    assert answer.status_code == 400
    assert "rationale" in answer.content.decode()
    answer = client.post(
        f"/desk/approvals/{deletion.pk}/", {"decision": "confirm", "rationale": "Right call."}
    )
    assert answer.status_code == 302
    deletion.refresh_from_db()
    assert deletion.review == "confirmed"


def test_the_desk_takes_a_post_down_now_for_a_supervisor_only(people, post, client):
    form = {
        "ground": "identified_person",
        "explanation": "It identified a witness.",
        "rationale": "Named a witness.",
        "urgent": "1",
    }
    client.force_login(people.alice)
    page = client.get(f"/desk/posts/{post.pk}/delete/").content.decode()
    assert "Take it down now" not in page
    assert client.post(f"/desk/posts/{post.pk}/delete/", form).status_code == 403
    assert not Deletion.objects.exists()
    client.force_login(people.sam)
    assert "Take it down now" in client.get(f"/desk/posts/{post.pk}/delete/").content.decode()
    answer = client.post(f"/desk/posts/{post.pk}/delete/", form, follow=True)
    assert "is taken down" in answer.content.decode()
    assert Deletion.objects.get().urgent


# --- withdrawing a request --------------------------------------------------------------------


def test_only_the_requester_withdraws_a_waiting_request(people, post):
    asked = RequestDeletion(
        people.alice, post=post.pk, ground="illegal", explanation="x", rationale="r"
    ).run()
    with pytest.raises(Forbidden, match="only alice"):
        WithdrawDeletion(people.andy, deletion=asked.pk).run()
    with pytest.raises(Forbidden, match="only alice"):
        WithdrawDeletion(people.sam, deletion=asked.pk).run()
    assert WithdrawDeletion(people.alice, deletion=asked.pk).run().status == "withdrawn"
    with pytest.raises(Refused, match="already withdrawn"):
        WithdrawDeletion(people.alice, deletion=asked.pk).run()
    with pytest.raises(Refused, match="already withdrawn"):
        ApproveDeletion(people.sam, deletion=asked.pk, rationale="r").run()
    # A new request may be made afterwards.
    RequestDeletion(
        people.alice, post=post.pk, ground="illegal", explanation="x", rationale="r"
    ).run()


def test_withdrawing_leaves_a_hold_blocking_every_deletion(people, post):
    asked = RequestDeletion(
        people.alice, post=post.pk, ground="illegal", explanation="x", rationale="r"
    ).run()
    PlaceHold(people.fiona, post=post.pk, reference="FOI/9").run()
    WithdrawDeletion(people.alice, deletion=asked.pk).run()
    with pytest.raises(PolicyViolation, match="hold"):
        RequestDeletion(
            people.alice, post=post.pk, ground="illegal", explanation="x", rationale="r"
        ).run()


# --- pausing all sending ----------------------------------------------------------------------


def test_while_paused_nothing_is_sent_and_everything_is_sent_once_after(people, testbed):
    sent = Publish(people.alice, account="testbed:police", text="First.").run()
    PauseSending(people.sam, reason="Account compromised; checking.").run()
    Publish(people.alice, account="testbed:police", text="Second.").run()
    worker = Worker("test")
    assert worker.step() is False
    assert platform.BOARD.visible() == []
    assert Delivery.objects.filter(status="pending").count() == 2
    with pytest.raises(Refused, match="already paused by sam"):
        PauseSending(people.adam, reason="again").run()
    ResumeSending(people.adam).run()
    while worker.step():
        pass
    assert sorted(platform.BOARD.visible()) == ["First.", "Second."]
    assert Delivery.objects.get(post=sent).attempts.count() == 1
    assert data("sending.paused")["reason"] == "Account compromised; checking."
    assert [k for k in kinds() if k.startswith("sending.")] == ["sending.paused", "sending.resumed"]


def test_a_pause_stops_the_batch_in_hand(people, testbed):
    for n in range(3):
        Publish(people.alice, account="testbed:police", text=f"Post {n}.").run()
    worker = Worker("test")
    claimed = worker.claim_batch(10)
    PauseSending(people.sam, reason="Stop.").run()
    worker._send_all(claimed, outcomes=None)  # nothing is sent, so nothing is written
    assert platform.BOARD.visible() == []
    assert Delivery.objects.filter(status="pending").count() == 3


def test_only_supervisors_and_admins_pause_and_the_banner_shows_to_everyone(people, client):
    with pytest.raises(Forbidden):
        PauseSending(people.alice, reason="x").run()
    with pytest.raises(BadInput, match="reason"):
        PauseSending(people.sam, reason="").run()
    with pytest.raises(Refused, match="not paused"):
        ResumeSending(people.sam).run()
    PauseSending(people.adam, reason="Checking the X account.").run()
    for who in (people.alice, people.fiona, people.sam):
        client.force_login(who)
        page = client.get("/desk/posts/").content.decode()
        assert "All sending is paused." in page
        assert "Checking the X account." in page
    client.force_login(people.sam)
    answer = client.post("/desk/sending/", {"resume": "1"}, follow=True)
    assert "Sending resumed" in answer.content.decode()
    assert "All sending is paused." not in client.get("/desk/").content.decode()


# --- rationale, overrides, closing ------------------------------------------------------------


def test_every_decision_needs_its_rationale(people, post):
    with pytest.raises(BadInput, match="rationale"):
        OpenIncident(
            people.alice, post=post.pk, kind="fact", severity="minor", summary="x", rationale=""
        ).run()
    with pytest.raises(BadInput, match="rationale"):
        RequestDeletion(
            people.alice, post=post.pk, ground="illegal", explanation="x", rationale=""
        ).run()
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Wrong date",
        rationale="A week out.",
    ).run()
    assert data("incident.opened")["rationale"] == "A week out."
    report = incident_report(incident.pk)
    assert report["rationale"] == "A week out."
    opened = next(e for e in report["timeline"] if e["kind"] == "incident.opened")
    assert opened["why"] == "A week out."


def _incident(people, post, *, kind="fact", severity="minor"):
    return OpenIncident(
        people.alice, post=post.pk, kind=kind, severity=severity, summary="s", rationale="r"
    ).run()


def test_an_override_needs_a_reason_and_shows_beside_the_step(people, client):
    post = Publish(people.alice, account="house:news", text="Closes 4 May.").run()
    incident = _incident(people, post)
    with pytest.raises(BadInput, match="reason: say why you override"):
        Apologise(people.alice, post=post.pk, text="We regret the error.", anyway=True).run()
    Apologise(
        people.alice,
        post=post.pk,
        text="We regret the error.",
        anyway=True,
        override_reason="Legal asked for this wording.",
    ).run()
    step = next(s for s in rules.steps(incident) if s.step == "apologise")
    assert step.status == "done"
    assert step.note == "checker overridden by alice: Legal asked for this wording."
    assert data("apology.published")["override"] == "Legal asked for this wording."
    client.force_login(people.sam)
    for page in ("/desk/", f"/desk/incidents/{incident.pk}/"):
        text = client.get(page).content.decode()
        assert "checker overridden by alice: Legal asked for this wording." in text, page


def test_an_override_that_overrode_nothing_leaves_no_note(people):
    post = Publish(people.alice, account="house:news", text="Closes 4 May.").run()
    incident = _incident(people, post)
    Apologise(people.alice, post=post.pk, text=APOLOGY, anyway=True, override_reason="x").run()
    assert next(s for s in rules.steps(incident) if s.step == "apologise").note == ""


def test_a_correction_overriding_the_tone_guard_records_why(people):
    post = Publish(people.alice, account="house:news", text="Closes 4 May.").run()
    _incident(people, post, severity="serious")
    with pytest.raises(BadInput, match="reason"):
        Correct(people.alice, post=post.pk, text="Closes 14 May lol", reason=" ", anyway=True).run()
    Correct(
        people.alice,
        post=post.pk,
        text="Closes 14 May lol",
        reason="r",
        anyway=True,
        rationale="It quotes the caller.",
    ).run()
    assert post.revisions.get(n=2).override_reason == "It quotes the caller."
    # Without a rationale, the public reason is what the override is recorded with.
    Correct(
        people.alice, post=post.pk, text="Closes 15 May lol", reason="Quoting", anyway=True
    ).run()
    assert post.revisions.get(n=3).override_reason == "Quoting"


def test_closing_asks_why_each_step_not_done_was_not_needed(people):
    post = Publish(people.alice, account="house:news", text="Closes 4 May.").run()
    incident = _incident(people, post, severity="serious")
    statement = "We have corrected the date. Thank you for telling us."
    with pytest.raises(BadInput, match="not done yet: apologise, make amends"):
        CloseIncident(people.sam, incident=incident.pk, statement=statement, rationale="r").run()
    with pytest.raises(BadInput, match="not_needed: 'dance' is not a step"):
        CloseIncident(
            people.sam,
            incident=incident.pk,
            statement=statement,
            rationale="r",
            not_needed={"dance": "x"},
        ).run()
    closed = CloseIncident(
        people.sam,
        incident=incident.pk,
        statement=statement,
        rationale="Nobody relied on the date.",
        not_needed={"apologise": "Nobody was misled.", "amend": "The event was cancelled."},
    ).run()
    steps = {s.step: s for s in rules.steps(closed)}
    assert (steps["apologise"].status, steps["apologise"].note) == (
        "not needed",
        "Nobody was misled.",
    )
    assert steps["move_on"].status == "done"
    assert data("incident.closed")["not_needed"] == {
        "amend": "The event was cancelled.",
        "apologise": "Nobody was misled.",
    }
    assert incident_report(incident.pk)["close_rationale"] == "Nobody relied on the date."


def test_a_humorous_statement_does_not_close_a_serious_incident(people):
    post = Publish(people.alice, account="house:news", text="Closes 4 May.").run()
    incident = _incident(people, post, severity="serious")
    Apologise(people.alice, post=post.pk, text=APOLOGY).run()
    Correct(people.alice, post=post.pk, text="Closes 14 May.", reason="Wrong date").run()
    with pytest.raises(PolicyViolation, match="humour"):
        CloseIncident(
            people.sam, incident=incident.pk, statement="Oops! All sorted now :)", rationale="r"
        ).run()
    with pytest.raises(PolicyViolation, match="minimising"):
        CloseIncident(
            people.sam,
            incident=incident.pk,
            statement="We are sorry if anyone was offended.",
            rationale="r",
        ).run()
    incident.refresh_from_db()
    assert incident.is_open


def test_checking_a_statement_changes_nothing_and_lists_what_is_not_done(people):
    post = Publish(people.alice, account="house:news", text="Closes 4 May.").run()
    incident = _incident(people, post)
    before = record.size()
    action = CloseIncident(
        people.sam,
        incident=incident.pk,
        statement="Mistakes were made.",
        rationale="",
        check=True,
    )
    assert action.run() is None
    assert [f.code for f in action.findings] == ["passive"]
    assert action.undone == ["apologise", "amend"]
    assert record.size() == before


def test_the_statement_does_not_count_against_the_budget(people):
    post = Publish(people.alice, account="house:news", text="Closes 4 May.").run()
    incident = _incident(people, post)
    Apologise(people.alice, post=post.pk, text=APOLOGY).run()
    Correct(people.alice, post=post.pk, text="Closes 14 May.", reason="Wrong date").run()
    used = rules.budget_used(incident)
    CloseIncident(
        people.sam, incident=incident.pk, statement="We have put this right.", rationale="Done."
    ).run()
    assert rules.budget_used(incident) == used


# --- the command line --------------------------------------------------------------------------


def test_the_command_line_removes_reviews_withdraws_pauses_and_resumes(people, post):
    removed = run(
        "remove", post.pk, "--ground", "identified_person", "--explain", "It named a witness.",
        "--rationale", "Trial is live.", "--as", "sam", "--json",
    )  # fmt: skip
    assert removed.exit_code == 0, removed.output
    out = json.loads(removed.stdout)
    assert set(out) == {"deletion", "status", "review_due"}  # as the handbook's scripts read it
    assert out["status"] == "done"
    assert out["review_due"] == Deletion.objects.get().review_due.isoformat()
    reviewed = run(
        "review", out["deletion"], "--confirm", "--rationale", "Right.", "--as", "sally", "--json"
    )
    assert json.loads(reviewed.stdout)["review"] == "confirmed"
    other = Publish(people.alice, account="house:news", text="Another.").run()
    asked = run(
        "delete", other.pk, "--ground", "illegal", "--explain", "x", "--rationale", "r",
        "--as", "alice", "--json",
    )  # fmt: skip
    deletion = json.loads(asked.stdout)["deletion"]
    assert "withdrawn" in run("withdraw", deletion, "--as", "alice").stdout
    assert run("pause", "--reason", "Stop.", "--as", "sam").stdout == "all sending paused\n"
    assert json.loads(run("resume", "--as", "sam", "--json").stdout) == {"paused": False}


def test_command_line_errors_are_one_line(people, post):
    no_verdict = run("review", "1", "--rationale", "r", "--as", "sally")
    assert no_verdict.exit_code == 2
    assert "give --confirm or --disagree" in no_verdict.output
    no_reason = run("apologise", post.pk, "--text", "x", "--anyway", "--as", "alice")
    assert no_reason.exit_code == 2
    assert "--anyway needs --reason" in no_reason.output
    missing = run("remove", post.pk, "--ground", "illegal", "--explain", "x", "--as", "sam")
    assert missing.exit_code == 2
    assert "--rationale" in missing.output
    author = run(
        "remove", post.pk, "--ground", "illegal", "--explain", "x", "--rationale", "r",
        "--as", "alice",
    )  # fmt: skip
    assert author.exit_code == 1
    assert author.stderr == (
        "error: as: only supervisor may remove posts urgently; alice may not\n"
    )
    bad = run(
        "incident",
        "close",
        "1",
        "--statement",
        "x",
        "--not-needed",
        "laugh",
        "--rationale",
        "Decided in the test.",
        "--as",
        "sam",
    )
    assert bad.exit_code == 2
    assert "--not-needed: give STEP:WHY" in bad.output


# --- the API -----------------------------------------------------------------------------------


def test_the_api_removes_reviews_and_pauses(people, post, client):
    sam = {"HTTP_AUTHORIZATION": f"Bearer {token_for(people.sam)}"}
    sally = {"HTTP_AUTHORIZATION": f"Bearer {token_for(people.sally)}"}
    body = {
        "ground": "identified_person",
        "explain": "It named a witness.",
        "rationale": "Trial is live.",
    }
    answer = client.post(
        f"/api/posts/{post.pk}/removal", body, content_type="application/json", **sam
    )
    assert answer.status_code == 201, answer.content
    removed = answer.json()
    assert removed["status"] == "done"
    assert removed["review"] is None
    answer = client.post(
        f"/api/deletions/{removed['deletion']}/review",
        {"verdict": "confirm", "rationale": "Right."},
        content_type="application/json",
        **sally,
    )
    assert answer.json()["review"] == "confirmed"
    answer = client.post(
        "/api/sending/pause", {"reason": "Stop."}, content_type="application/json", **sally
    )
    assert answer.json() == {"paused": True}
    assert client.post("/api/sending/resume", **sam).json() == {"paused": False}


def test_the_requester_withdraws_in_the_desk(people, post, client):
    asked = RequestDeletion(
        people.alice, post=post.pk, ground="illegal", explanation="x", rationale="r"
    ).run()
    client.force_login(people.andy)
    assert "Withdraw my request" not in client.get(f"/desk/approvals/{asked.pk}/").content.decode()
    refused = client.post(f"/desk/approvals/{asked.pk}/", {"decision": "withdraw"})
    assert refused.status_code == 403
    client.force_login(people.alice)
    assert "Withdraw my request" in client.get(f"/desk/approvals/{asked.pk}/").content.decode()
    done = client.post(f"/desk/approvals/{asked.pk}/", {"decision": "withdraw"}, follow=True)
    assert "Deletion 1 withdrawn." in done.content.decode().replace(
        f"Deletion {asked.pk}", "Deletion 1"
    )
    asked.refresh_from_db()
    assert asked.status == "withdrawn"


def test_channels_and_the_rota_are_set_in_the_desk(people, client):
    client.force_login(people.sam)
    added = client.post(
        "/desk/me/notifications/",
        {"kind": "email", "address": "sam@police.example"},
        follow=True,
    )
    assert "Email added" in added.content.decode()
    assert "sam@police.example" in added.content.decode()
    wrong = client.post("/desk/me/notifications/", {"kind": "email", "address": "nope"})
    assert wrong.status_code == 400
    assert "Give an email address, like name@police.uk" in wrong.content.decode()
    shift = client.post(
        "/desk/rota/",
        {"user": "sally", "from": "2026-12-04T22:00", "to": "2026-12-05T07:00", "position": "1"},
        follow=True,
    )
    assert "sally is on the rota." in shift.content.decode()
    client.force_login(people.alice)
    assert client.get("/desk/rota/").status_code == 403


# --- one decision, every channel ---------------------------------------------------------------

SAME = "Named the man we arrested on Mill Lane before he was charged."
HARM = {
    "ground": "identified_person",
    "explanation": "It identified a man who has not been charged.",
    "rationale": "Contempt risk.",
}


def drain() -> None:
    worker = Worker("test")
    while worker.step():
        pass


def three_channels(people, testbed):
    """The same harmful message on the force's site, its events page and a platform, in one
    incident opened on the first."""
    AddAccount(None, key="house:events", name="Events", as_operator=True).run()
    posts = [
        Publish(people.alice, account=account, text=SAME).run()
        for account in ("house:news", "house:events", "testbed:police")
    ]
    drain()
    incident = OpenIncident(
        people.alice,
        post=posts[0].pk,
        kind="harmful",
        severity="critical",
        summary="Named a suspect",
        rationale="Identifies a man not yet charged.",
    ).run()
    for post in posts[1:]:
        AddToIncident(people.alice, incident=incident.pk, post=post.pk).run()
    return posts


def test_an_urgent_removal_on_every_channel_takes_them_all_down_at_once(people, testbed):
    posts = three_channels(people, testbed)
    lead = RemoveNow(
        people.sam,
        post=posts[0].pk,
        **HARM,
        everywhere=True,
    ).run()
    drain()
    parts = list(lead.parts.order_by("pk"))
    assert [d.post_id for d in parts] == [posts[1].pk, posts[2].pk]
    assert all(d.status == Deletion.Status.DONE and d.urgent for d in [lead, *parts])
    assert all(post.removal is not None for post in posts)
    assert SAME not in platform.BOARD.visible()
    for post in posts:
        kinds = [e.read().kind for e in record.entries_about(post.subject)]
        assert "deletion.urgent" in kinds
        assert "post.deleted" in kinds
    # One review covers the one decision; a part is never reviewed on its own.
    with pytest.raises(Refused, match=f"part of deletion {lead.pk}"):
        ReviewRemoval(
            people.sally, deletion=parts[0].pk, verdict="confirm", rationale="Right."
        ).run()
    ReviewRemoval(people.sally, deletion=lead.pk, verdict="confirm", rationale="Right.").run()
    assert {d.review for d in Deletion.objects.all()} == {Deletion.Review.CONFIRMED}


def test_without_every_channel_only_the_one_post_comes_down(people, testbed):
    posts = three_channels(people, testbed)
    RemoveNow(
        people.sam,
        post=posts[0].pk,
        **HARM,
    ).run()
    drain()
    assert [p.removal is not None for p in posts] == [True, False, False]
    assert SAME in platform.BOARD.visible()


def test_a_request_on_every_channel_is_approved_once_for_all(people, testbed):
    posts = three_channels(people, testbed)
    lead = RequestDeletion(
        people.alice,
        post=posts[1].pk,
        **HARM,
        everywhere=True,
    ).run()
    assert lead.as_json()["parts"] == [d.pk for d in lead.parts.order_by("pk")]
    assert {d.post_id for d in lead.parts.all()} == {posts[0].pk, posts[2].pk}
    part = lead.parts.first()
    with pytest.raises(Refused, match="act on that one"):
        ApproveDeletion(people.sam, deletion=part.pk, rationale="Yes.").run()
    ApproveDeletion(people.sam, deletion=lead.pk, rationale="Yes.").run()
    drain()
    assert all(Post.objects.get(pk=p.pk).removal is not None for p in posts)
    assert SAME not in platform.BOARD.visible()


def test_a_hold_on_any_channel_stops_the_whole_decision_and_nothing_changes(people, testbed):
    posts = three_channels(people, testbed)
    PlaceHold(people.fiona, post=posts[2].pk, reference="CO/2026/9").run()
    before = record.size()
    with pytest.raises(PolicyViolation, match="CO/2026/9"):
        RemoveNow(
            people.sam,
            post=posts[0].pk,
            ground="identified_person",
            explanation="It identified a man who has not been charged.",
            rationale="Contempt risk.",
            everywhere=True,
        ).run()
    assert record.size() == before
    assert not Deletion.objects.exists()


def test_withdrawing_or_rejecting_the_decision_covers_every_channel(people, testbed):
    posts = three_channels(people, testbed)
    asked = dict(
        post=posts[0].pk,
        **HARM,
        everywhere=True,
    )
    lead = RequestDeletion(people.alice, **asked).run()
    WithdrawDeletion(people.alice, deletion=lead.pk).run()
    assert set(Deletion.objects.values_list("status", flat=True)) == {"withdrawn"}
    lead = RequestDeletion(people.alice, **asked).run()
    RejectDeletion(people.sam, deletion=lead.pk, rationale="Not identifying.").run()
    assert set(lead.parts.values_list("status", flat=True)) == {"rejected"}


def test_the_desk_offers_every_channel_and_approvals_list_the_decision_once(
    people, testbed, client
):
    posts = three_channels(people, testbed)
    client.force_login(people.alice)
    page = client.get(f"/desk/posts/{posts[0].pk}/delete/").content.decode()
    assert "Take it down on every channel (3 posts)" in page
    client.post(
        f"/desk/posts/{posts[0].pk}/delete/",
        {
            "ground": "identified_person",
            "explanation": "It identified a man who has not been charged.",
            "rationale": "Contempt risk.",
            "everywhere": "1",
        },
    )
    lead = Deletion.objects.get(part_of=None)
    assert lead.parts.count() == 2
    client.force_login(people.sam)
    listing = client.get("/desk/approvals/").content.decode()
    assert listing.count(f"Deletion {lead.pk}<") == 1
    for part in lead.parts.all():
        assert f"Deletion {part.pk}<" not in listing
        assert client.get(f"/desk/approvals/{part.pk}/").url == f"/desk/approvals/{lead.pk}/"
    assert "Also covers" in client.get(f"/desk/approvals/{lead.pk}/").content.decode()


def test_the_command_line_and_the_api_take_down_every_channel(people, testbed):
    posts = three_channels(people, testbed)
    result = run(
        "remove",
        posts[0].pk,
        "--ground",
        "identified_person",
        "--explain",
        "It identified a man who has not been charged.",
        "--rationale",
        "Contempt risk.",
        "--everywhere",
        "--as",
        "sam",
    )
    assert result.exit_code == 0, result.output
    assert f"with posts {posts[1].pk}, {posts[2].pk} removed" in result.output
    assert Deletion.objects.count() == 3


def test_the_api_asks_for_a_deletion_on_every_channel(people, testbed):
    posts = three_channels(people, testbed)
    answer = Api(token_for(people.alice)).call(
        "POST",
        f"/api/posts/{posts[2].pk}/deletions",
        {
            "ground": "identified_person",
            "explain": "It identified a man who has not been charged.",
            "rationale": "Contempt risk.",
            "everywhere": True,
        },
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    lead = Deletion.objects.get(pk=body["deletion"])
    assert body["parts"] == [d.pk for d in lead.parts.order_by("pk")]
    assert len(body["parts"]) == 2
