"""Telling the people on call: a real SMTP server (aiosmtpd) and a webhook receiver on
loopback take what Amends sends, and the tests read what arrived."""

import json
import threading
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from amends.actions import (
    AddChannel,
    AddShift,
    ApproveDeletion,
    Forbidden,
    PauseSending,
    Publish,
    RemoveChannel,
    RemoveNow,
    RequestDeletion,
    ResumeSending,
)
from amends.errors import BadInput, NotFound
from amends.notify import api as notify
from amends.notify import events
from amends.notify.models import Alert, Notification
from amends.record import api as record
from tests.support.cli import run
from tests.support.net import free_port

SECRET_WORDING = "Officers arrested Zebedee Quartermaine at 12 Acacia Avenue."


class Inbox:
    """aiosmtpd's handler: every message the real SMTP server accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=email_policy)
        self.messages.append(
            {
                "to": list(envelope.rcpt_tos),
                "subject": message["subject"],
                "body": message.get_body().get_content(),
                "raw": envelope.content.decode("utf-8", "replace"),
            }
        )
        return "250 OK"

    def to(self, address: str) -> list[dict]:
        return [m for m in self.messages if address in m["to"]]


@pytest.fixture
def smtp(settings):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.NOTIFY_EMAIL_HOST = "127.0.0.1"
    settings.NOTIFY_EMAIL_PORT = controller.port
    settings.NOTIFY_EMAIL_FROM = "desk@police.example"
    yield inbox
    controller.stop()


class Hooks:
    """A loopback HTTP server standing in for the Teams and Slack webhook endpoints: it keeps
    every JSON body posted to it, by path, and answers with ``status``."""

    def __init__(self):
        self.received: list[tuple[str, dict]] = []
        self.status = 200
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hooks.received.append((self.path, json.loads(body)))
                self.send_response(hooks.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def at(self, path: str) -> list[dict]:
        return [body for p, body in self.received if p == path]


@pytest.fixture
def hooks():
    receiver = Hooks()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture
def frozen(monkeypatch):
    moment = {"now": timezone.now()}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


def by_email(people, *names):
    for name in names:
        user = getattr(people, name)
        AddChannel(user, kind="email", address=f"{name}@police.example").run()


def ask_deletion(people, text="Closes 4 May."):
    post = Publish(people.alice, account="house:news", text=text).run()
    return RequestDeletion(
        people.alice, post=post.pk, ground="illegal", explanation="x", rationale="r"
    ).run()


def test_a_deletion_request_reaches_every_supervisor_by_email(people, smtp, settings):
    by_email(people, "sam", "sally", "alice")
    deletion = ask_deletion(people)
    assert [m["to"] for m in smtp.messages] == [["sally@police.example"], ["sam@police.example"]]
    mail = smtp.to("sam@police.example")[0]
    assert mail["subject"] == "A deletion awaits approval"
    assert f"{settings.SITE_URL}/desk/approvals/{deletion.pk}/" in mail["body"]
    assert "asked for post" in mail["body"]
    assert "sign in" in mail["body"]
    sent = json.loads(record.entries_about("user:sam")[-1].leaf)["data"]
    assert sent["event"] == "deletion.awaiting"
    assert sent["channels"] == [{"channel": "email", "ok": True}]


def test_teams_and_slack_get_the_payloads_they_accept(people, hooks):
    AddChannel(people.sam, kind="teams", address=f"{hooks.url}/teams").run()
    AddChannel(people.sam, kind="slack", address=f"{hooks.url}/slack").run()
    deletion = ask_deletion(people)
    [teams] = hooks.at("/teams")
    assert teams["type"] == "message"
    attachment = teams["attachments"][0]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert card["body"][0]["text"] == "A deletion awaits approval"
    assert card["actions"][0]["type"] == "Action.OpenUrl"
    assert card["actions"][0]["url"].endswith(f"/desk/approvals/{deletion.pk}/")
    [slack] = hooks.at("/slack")
    assert slack["text"].startswith("A deletion awaits approval: ")
    assert [b["type"] for b in slack["blocks"]] == ["header", "section", "actions"]
    assert slack["blocks"][2]["elements"][0]["url"].endswith(f"/desk/approvals/{deletion.pk}/")


def test_a_failing_channel_is_recorded_and_the_action_still_happens(people, hooks):
    hooks.status = 500
    AddChannel(people.sam, kind="slack", address=f"{hooks.url}/slack").run()
    deletion = ask_deletion(people)
    assert deletion.pk
    failed = Notification.objects.get(user=people.sam)
    assert (failed.ok, failed.error) == (False, "the webhook answered 500")


def test_without_a_mail_server_email_is_recorded_as_not_sent(people, settings):
    settings.NOTIFY_EMAIL_HOST = ""
    by_email(people, "sam")
    ask_deletion(people)
    sent = Notification.objects.get(user=people.sam)
    assert (sent.ok, sent.error) == (False, "no mail server is set (AMENDS_EMAIL_HOST)")


def test_the_rota_decides_who_is_told_and_escalation_follows_it(people, smtp, settings, frozen):
    settings.ESCALATE_MINUTES = 15
    by_email(people, "sam", "sally", "adam")
    at = frozen["now"]
    AddShift(
        people.adam, user="sally", starts=at - timedelta(hours=1), ends=at + timedelta(hours=8)
    ).run()
    AddShift(
        people.adam, user="adam", starts=at - timedelta(hours=1), ends=at + timedelta(hours=8),
        position=2,
    ).run()  # fmt: skip
    deletion = ask_deletion(people)
    assert [m["to"] for m in smtp.messages] == [["sally@police.example"]]
    frozen["now"] += timedelta(minutes=14)
    assert notify.escalate() == 0
    frozen["now"] += timedelta(minutes=2)
    assert notify.escalate() == 1
    assert [m["to"] for m in smtp.messages][-1] == ["adam@police.example"]
    assert "Nobody has acted yet." in smtp.messages[-1]["body"]
    frozen["now"] += timedelta(minutes=16)
    notify.escalate()  # then every supervisor not yet told
    assert [m["to"] for m in smtp.messages][-1] == ["sam@police.example"]
    frozen["now"] += timedelta(minutes=16)
    notify.escalate()
    assert len(smtp.messages) == 3  # each level once
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Unlawful.").run()
    assert Alert.objects.get().settled_at is not None


def test_acting_settles_the_alert_and_nobody_else_is_told(people, smtp, settings, frozen):
    settings.ESCALATE_MINUTES = 5
    by_email(people, "sam", "sally")
    at = frozen["now"]
    AddShift(people.sam, user="sally", starts=at, ends=at + timedelta(hours=1)).run()
    deletion = ask_deletion(people)
    ApproveDeletion(people.sally, deletion=deletion.pk, rationale="Unlawful.").run()
    frozen["now"] += timedelta(minutes=30)
    assert notify.escalate() == 0
    assert [m["to"] for m in smtp.messages] == [["sally@police.example"]]


def test_raising_the_same_alert_twice_tells_nobody_twice(people, smtp):
    by_email(people, "sam")
    for _ in range(2):
        notify.raise_alert("test", summary="s", path="/desk/", key="same")
    assert len(smtp.messages) == 1


def test_an_urgent_removal_asks_another_supervisor_and_an_overdue_review_is_chased(
    people, smtp, settings, frozen
):
    settings.REVIEW_HOURS = 1
    by_email(people, "sam", "sally")
    post = Publish(people.alice, account="house:news", text=SECRET_WORDING).run()
    RemoveNow(
        people.sam, post=post.pk, ground="identified_person", explanation="It named someone.",
        rationale="r",
    ).run()  # fmt: skip
    assert [m["to"] for m in smtp.messages] == [["sally@police.example"]]  # not the remover
    assert smtp.messages[0]["subject"] == "An urgent removal awaits review"
    frozen["now"] += timedelta(hours=1, minutes=1)
    events.escalate_and_chase()
    assert smtp.messages[-1]["subject"] == "An urgent removal's review is overdue"
    events.escalate_and_chase()  # once
    assert len(smtp.messages) == 2


def test_no_notification_ever_holds_sealed_wording(people, smtp, hooks):
    by_email(people, "sam", "sally")
    AddChannel(people.sally, kind="teams", address=f"{hooks.url}/teams").run()
    post = Publish(people.alice, account="house:news", text=SECRET_WORDING).run()
    deletion = RequestDeletion(
        people.alice, post=post.pk, ground="identified_person", explanation="It named someone.",
        rationale="r",
    ).run()  # fmt: skip
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Named someone.").run()
    other = Publish(people.alice, account="house:news", text=SECRET_WORDING + " Again.").run()
    RemoveNow(
        people.sam, post=other.pk, ground="identified_person", explanation="It named someone.",
        rationale="r",
    ).run()  # fmt: skip
    PauseSending(people.sam, reason="Checking.").run()
    ResumeSending(people.sam).run()
    assert smtp.messages
    assert hooks.received
    said = json.dumps(
        [smtp.messages, hooks.received, [json.loads(e.leaf) for e in record.entries(0, 10_000)
                                         if e.kind == "notification.sent"]]
    )  # fmt: skip
    for word in ("Zebedee", "Quartermaine", "Acacia"):
        assert word not in said


def test_pausing_and_resuming_tell_every_other_supervisor(people, smtp):
    by_email(people, "sam", "sally")
    PauseSending(people.sam, reason="The X account is compromised.").run()
    assert [m["to"] for m in smtp.messages] == [["sally@police.example"]]
    assert "The X account is compromised." in smtp.messages[0]["body"]
    ResumeSending(people.sally).run()
    assert smtp.messages[-1]["to"] == ["sam@police.example"]
    assert smtp.messages[-1]["subject"] == "Sending has resumed"


def test_channels_are_checked_and_belong_to_their_person(people, settings):
    with pytest.raises(BadInput, match="address: give an email address"):
        AddChannel(people.sam, kind="email", address="not an address").run()
    with pytest.raises(BadInput, match="kind: must be email, teams or slack"):
        AddChannel(people.sam, kind="pager", address="x").run()
    settings.ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(BadInput, match="must start with https"):
        AddChannel(people.sam, kind="slack", address="http://hooks.example/x").run()
    with pytest.raises(BadInput, match=r"address: 127\.0\.0\.1"):
        AddChannel(people.sam, kind="slack", address="https://127.0.0.1/hook").run()
    added = AddChannel(people.sam, kind="email", address="sam@police.example").run()
    with pytest.raises(NotFound):
        RemoveChannel(people.sally, channel=added.pk).run()
    RemoveChannel(people.sam, channel=added.pk).run()
    with pytest.raises(Forbidden):
        AddChannel(people.olly, kind="email", address="olly@police.example").run()


def test_only_supervisors_and_admins_set_the_rota(people):
    at = timezone.now()
    with pytest.raises(Forbidden):
        AddShift(people.alice, user="alice", starts=at, ends=at + timedelta(hours=1)).run()
    with pytest.raises(BadInput, match="to: the shift must end after it starts"):
        AddShift(people.sam, user="sally", starts=at, ends=at).run()
    with pytest.raises(BadInput, match="from: give a date and time"):
        AddShift(people.sam, user="sally", starts="tonight", ends=at).run()
    with pytest.raises(NotFound, match="no active user 'nobody'"):
        AddShift(people.sam, user="nobody", starts=at, ends=at + timedelta(hours=1)).run()


def test_the_command_line_sends_a_test_and_sets_the_rota(people, smtp):
    added = run("notify", "channel", "add", "email", "sam@police.example", "--as", "sam", "--json")
    assert added.exit_code == 0, added.output
    tested = run("notify", "test", "--as", "sam")
    assert tested.stdout == "email: sent\n"
    assert smtp.messages[0]["subject"] == "A test message from Amends"
    listed = run("notify", "channel", "list", "--as", "sam")
    assert "sam@police.example" in listed.stdout
    shift = run(
        "rota", "add", "sally", "--from", "2026-12-04T22:00", "--to", "2026-12-05T07:00",
        "--as", "sam", "--json",
    )  # fmt: skip
    assert shift.exit_code == 0, shift.output
    assert "\tsally\t2026-12-04T22:00:00" in run("rota", "list").stdout
    bad = run("rota", "add", "sally", "--from", "soon", "--to", "later", "--as", "sam")
    assert bad.exit_code == 1
    assert bad.stderr == "error: from: give a date and time like 2026-12-04T22:00 (got 'soon')\n"
