"""The staff desk's pages: who may see and do what, and each step of the five done in a browser
form. Sign-in itself is tested in test_web_auth.py; here people are signed in directly."""

import json
import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from amends.actions import (
    ApproveDeletion,
    Correct,
    OpenIncident,
    PlaceHold,
    Publish,
    RequestDeletion,
)
from amends.desk.models import Deletion, Post
from amends.errors import BadInput
from amends.record import api as record
from amends.record.models import Entry

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PERSONAS = ["alice", "sam", "fiona", "adam", "olly"]
WRITERS = {"alice", "sam"}


@pytest.fixture
def scene(people):
    """A post with an open incident, a second post with a pending deletion requested by andy,
    and a deleted (sealed) third post."""
    post = Publish(people.alice, account="house:news", text="The appeal closes on 4 May.").run()
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="date",
        rationale="Opened for the test.",
    ).run()
    pending_post = Publish(people.andy, account="house:news", text="Suspect named.").run()
    pending = RequestDeletion(
        people.andy,
        post=pending_post.pk,
        ground="prejudicial",
        explanation="Trial pending.",
        rationale="Asked for in the test.",
    ).run()
    gone = Publish(people.alice, account="house:news", text="An offensive joke.").run()
    deletion = RequestDeletion(
        people.alice,
        post=gone.pk,
        ground="offensive",
        explanation="It was offensive.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people.sam, deletion=deletion.pk, rationale="Approved in the test.").run()
    hold = PlaceHold(people.fiona, post=pending_post.pk, reference="FOI-1").run()
    return {
        "post": post.pk,
        "incident": incident.pk,
        "deletion": pending.pk,
        "gone": gone.pk,
        "hold": hold.pk,
    }


# (method, url, data, roles allowed); None means any staff role.
def endpoints(s: dict) -> list[tuple[str, str, dict, set | None]]:
    p, i, d, g, h = s["post"], s["incident"], s["deletion"], s["gone"], s["hold"]
    return [
        ("get", "/desk/", {}, None),
        ("get", "/desk/posts/", {}, None),
        ("get", f"/desk/posts/{p}/", {}, None),
        ("get", "/desk/incidents/", {}, None),
        ("get", f"/desk/incidents/{i}/", {}, None),
        ("get", "/desk/posts/new/", {}, WRITERS),
        ("post", "/desk/posts/new/", {"account": "house:news", "text": "Hello."}, WRITERS),
        ("get", f"/desk/posts/{p}/correct/", {}, WRITERS),
        ("post", f"/desk/posts/{p}/correct/preview/", {"text": "x", "reason": "y"}, WRITERS),
        ("post", f"/desk/posts/{p}/correct/", {"text": "On 14 May.", "reason": "Date."}, WRITERS),
        ("get", f"/desk/posts/{p}/apologise/", {}, WRITERS),
        ("post", f"/desk/posts/{p}/apologise/check/", {"text": "Sorry"}, WRITERS),
        (
            "post",
            f"/desk/posts/{p}/apologise/",
            {"text": "Sorry: the date we gave was wrong."},
            WRITERS,
        ),
        ("get", f"/desk/posts/{p}/reply/", {}, WRITERS),
        ("post", f"/desk/posts/{p}/reply/", {"text": "Thanks for spotting it."}, WRITERS),
        ("get", f"/desk/posts/{p}/delete/", {}, WRITERS),
        (
            "post",
            f"/desk/posts/{p}/delete/",
            {"ground": "offensive", "explanation": "x", "rationale": "Asked in the test."},
            WRITERS,
        ),
        (
            "post",
            f"/desk/posts/{g - 1}/incident/",
            {
                "kind": "fact",
                "severity": "minor",
                "summary": "s",
                "rationale": "Opened in the test.",
            },
            WRITERS,
        ),
        ("get", f"/desk/incidents/{i}/close/", {}, {"sam"}),
        (
            "post",
            f"/desk/incidents/{i}/close/",
            {
                "statement": "We have fixed it.",
                "rationale": "Closed in the test.",
                "not_needed_apologise": "Nobody was misled.",
                "not_needed_amend": "It was withdrawn.",
                "not_needed_explain": "The request was for another post.",
            },
            {"sam"},
        ),
        ("get", "/desk/approvals/", {}, {"sam"}),
        # Authors see a deletion (to withdraw their own); only supervisors decide.
        ("get", f"/desk/approvals/{d}/", {}, WRITERS),
        ("post", f"/desk/approvals/{d}/", {"decision": "reject", "rationale": "No."}, {"sam"}),
        ("get", "/desk/sealed/", {}, {"fiona"}),
        ("get", f"/desk/sealed/{g}/", {}, {"fiona"}),
        ("post", f"/desk/sealed/{g}/", {"purpose": "complaint", "reference": "C-9"}, {"fiona"}),
        ("get", "/desk/holds/", {}, {"fiona"}),
        ("post", "/desk/holds/", {"post": str(p), "reference": "PSD-2"}, {"fiona"}),
        ("post", f"/desk/holds/{h}/release/", {}, {"fiona"}),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_desk_page(scene, client):
    for method, url, data, _ in endpoints(scene):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith("/desk/sign-in/?next="), (method, url)
    assert Post.objects.count() == 3


@pytest.mark.parametrize("name", PERSONAS)
def test_each_role_reaches_exactly_its_own_pages_and_actions(scene, people, name):
    """GETs are answered 200 or 403; POSTs succeed (302, 200 for previews and unsealing) only
    for the roles allowed, and a refused POST changes nothing."""
    user = getattr(people, name)
    client = Client()
    client.force_login(user)
    for method, url, data, allowed in endpoints(scene):
        size = record.size()
        response = getattr(client, method)(url, data)
        ok = name != "olly" if allowed is None else name in allowed
        if not ok:
            assert response.status_code == 403, (name, method, url, response.status_code)
            assert record.size() == size, (name, method, url)
        elif method == "get" or url.endswith(("/preview/", "/check/")):
            assert response.status_code == 200, (name, method, url, response.status_code)
        elif "/sealed/" in url:
            assert response.status_code == 200, (name, method, url)
            assert b"An offensive joke." in response.content
        else:
            error = re.search(r'id="form-error"[^>]*>([^<]*)', response.content.decode())
            assert response.status_code == 302, (name, method, url, error and error.group(1))


def test_an_author_works_an_incident_through_apology_and_correction(people, client):
    post = Publish(people.alice, account="house:news", text="The appeal closes on 4 May.").run()
    client.force_login(people.alice)
    opened = client.post(
        f"/desk/posts/{post.pk}/incident/",
        {
            "kind": "fact",
            "severity": "minor",
            "summary": "Wrong date",
            "rationale": "Opened in the test.",
        },
    )
    incident = opened.url.rstrip("/").rsplit("/", 1)[1]
    page = client.get(opened.url).content.decode()
    assert "Write the apology" in page
    assert "Write a light reply" in page

    bad = client.post(f"/desk/posts/{post.pk}/apologise/", {"text": "If anyone was offended."})
    assert bad.status_code == 409
    assert "no explicit apology" in bad.content.decode()
    assert "If anyone was offended." in bad.content.decode()  # the draft is kept
    assert not post.responses.exists()

    good = client.post(
        f"/desk/posts/{post.pk}/apologise/", {"text": "Sorry: the date we gave was wrong."}
    )
    assert good.status_code == 302
    assert post.responses.get().kind == "apology"

    corrected = client.post(
        f"/desk/posts/{post.pk}/correct/",
        {"text": "The appeal closes on 14 May.", "reason": "The date was wrong."},
    )
    assert corrected.status_code == 302
    history = client.get(f"/desk/posts/{post.pk}/").content.decode()
    assert '<del><span class="visually-hidden">deleted text: </span>4</del>' in history
    assert '<ins><span class="visually-hidden">inserted text: </span>14</ins>' in history
    steps = client.get(f"/desk/incidents/{incident}/").content.decode()
    assert steps.count("status-done") >= 2
    assert "<td>Post corrected</td>" in steps
    assert "<td>Apology published</td>" in steps


def test_the_correction_preview_shows_the_public_rendering_and_the_plain_words(people, client):
    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    client.force_login(people.alice)
    response = client.post(
        f"/desk/posts/{post.pk}/correct/preview/", {"text": "Closes on 14 May.", "reason": "Oops"}
    )
    body = response.content.decode()
    assert "<del>" in body
    assert "<ins>" in body
    assert "\u201c14\u201d, not \u201c4\u201d" in body
    assert post.revisions.count() == 1  # a preview changes nothing


def test_check_before_you_publish_works_without_javascript(people, client):
    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    client.force_login(people.alice)
    size = record.size()
    # The Preview button sends the form itself (no script): the page comes back checked.
    page = client.post(
        f"/desk/posts/{post.pk}/correct/",
        {"text": "Closes on 14 May.", "reason": "Wrong date", "preview": "1"},
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "<del>" in body
    assert "Wrong date" in body
    assert body.index("Check before you publish") < body.index("Publish correction</button>")
    assert record.size() == size
    assert post.revisions.count() == 1
    # The apology is checked the same way, and nothing is published.
    page = client.post(
        f"/desk/posts/{post.pk}/apologise/",
        {"text": "We apologise if anyone was offended.", "preview": "1"},
    )
    assert page.status_code == 200
    assert "if anyone was offended" in page.content.decode()
    assert record.size() == size


def test_a_refused_correction_says_why_and_changes_nothing(people, client):
    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    client.force_login(people.alice)
    size = record.size()
    response = client.post(f"/desk/posts/{post.pk}/correct/", {"text": "On 14 May.", "reason": ""})
    assert response.status_code == 400
    assert "Enter the reason" in response.content.decode()
    assert record.size() == size
    assert post.revisions.count() == 1


def test_a_requester_cannot_approve_their_own_deletion(people, client):
    post = Publish(people.sam, account="house:news", text="Wrong photo.").run()
    deletion = RequestDeletion(
        people.sam,
        post=post.pk,
        ground="offensive",
        explanation="Wrong photo.",
        rationale="Asked for in the test.",
    ).run()
    client.force_login(people.sam)
    page = client.get(f"/desk/approvals/{deletion.pk}/").content.decode()
    assert "another supervisor must decide it" in page
    assert 'value="approve"' not in page
    response = client.post(
        f"/desk/approvals/{deletion.pk}/", {"decision": "approve", "rationale": "Mine."}
    )
    assert response.status_code == 403
    assert Deletion.objects.get(pk=deletion.pk).status == "pending"

    other = Client()
    other.force_login(people.sally)
    decided = other.post(
        f"/desk/approvals/{deletion.pk}/", {"decision": "approve", "rationale": "Wrong photo."}
    )
    assert decided.status_code == 302
    assert Deletion.objects.get(pk=deletion.pk).status == "done"


def test_an_unknown_decision_is_refused_naming_the_field(scene, people, client):
    client.force_login(people.sam)
    response = client.post(f"/desk/approvals/{scene['deletion']}/", {"decision": "maybe"})
    assert response.status_code == 400
    assert "The decision must be approve, reject" in response.content.decode()
    assert Deletion.objects.get(pk=scene["deletion"]).status == "pending"


def test_the_access_to_a_sealed_original_is_recorded_before_it_is_shown(scene, people, client):
    client.force_login(people.fiona)
    before = Entry.objects.filter(kind="content.accessed").count()
    refused = client.post(f"/desk/sealed/{scene['gone']}/", {"purpose": "", "reference": "C-1"})
    assert refused.status_code == 400
    assert b"An offensive joke." not in refused.content
    assert Entry.objects.filter(kind="content.accessed").count() == before

    shown = client.post(
        f"/desk/sealed/{scene['gone']}/", {"purpose": "Complaint", "reference": "C-1"}
    )
    assert b"An offensive joke." in shown.content
    assert shown["Cache-Control"] == "private, no-store"
    access = Entry.objects.filter(kind="content.accessed").order_by("-seq").first()
    leaf = json.loads(bytes(access.leaf))
    assert leaf["actor"] == "fiona"
    assert leaf["data"]["reference"] == "C-1"
    assert "C-1" in client.get("/desk/sealed/").content.decode()


def test_a_hold_blocks_approval_and_the_page_says_so(scene, people, client):
    client.force_login(people.sam)
    response = client.post(
        f"/desk/approvals/{scene['deletion']}/", {"decision": "approve", "rationale": "Rude."}
    )
    assert response.status_code == 409
    assert "A hold (FOI-1) stands" in response.content.decode()


def test_posts_can_be_searched_and_filtered(scene, people, client):
    client.force_login(people.alice)
    found = client.get("/desk/posts/", {"q": "appeal"}).content.decode()
    assert "1 post." in found
    assert f"/desk/posts/{scene['post']}/" in found
    deleted = client.get("/desk/posts/", {"status": "deleted"}).content.decode()
    assert "1 post." in deleted
    assert "An offensive joke." not in deleted
    by_number = client.get("/desk/posts/", {"q": str(scene["gone"])}).content.decode()
    assert f"/desk/posts/{scene['gone']}/" in by_number
    bad = client.get("/desk/posts/", {"status": "lost"})
    assert bad.status_code == 400
    assert "status: must be one of" in bad.content.decode()
    bad_day = client.get("/desk/posts/", {"since": "4 May"})
    assert bad_day.status_code == 400
    assert "since: must be a date" in bad_day.content.decode()
    partial = client.get("/desk/posts/", {"q": "appeal"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()


def test_text_from_people_is_shown_escaped_on_every_page(people, client):
    post = Publish(people.alice, account="house:news", text=XSS).run()
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary=XSS,
        rationale="Opened for the test.",
    ).run()
    deletion = RequestDeletion(
        people.alice,
        post=post.pk,
        ground="illegal",
        explanation=XSS,
        rationale="Asked for in the test.",
    ).run()
    PlaceHold(people.fiona, post=post.pk, reference=XSS[:150]).run()
    pages = {
        people.alice: [
            "/desk/",
            "/desk/posts/",
            f"/desk/posts/{post.pk}/",
            f"/desk/posts/{post.pk}/correct/",
            f"/desk/incidents/{incident.pk}/",
            "/desk/incidents/",
        ],
        people.sam: ["/desk/approvals/", f"/desk/approvals/{deletion.pk}/"],
        people.fiona: ["/desk/holds/"],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            body = client.get(url).content.decode()
            assert "<script>alert" not in body, url
            assert "<img src=x" not in body, url
            assert "&lt;script&gt;alert" in body or "&lt;img" in body, url
    client.force_login(people.alice)  # the live preview escapes too
    body = client.post(
        f"/desk/posts/{post.pk}/correct/preview/", {"text": XSS + " more", "reason": XSS}
    ).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body


def test_desk_forms_are_refused_without_a_csrf_token(people):
    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.alice)
    response = client.post(f"/desk/posts/{post.pk}/correct/", {"text": "x", "reason": "y"})
    assert response.status_code == 403
    assert "did not come from the desk" in response.content.decode()
    assert post.revisions.count() == 1


def test_desk_pages_carry_a_strict_content_security_policy(people, client):
    client.force_login(people.alice)
    response = client.get("/desk/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_text_that_cannot_be_stored_is_refused_naming_the_field(people, client):
    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    client.force_login(people.alice)
    size = record.size()
    response = client.post(
        f"/desk/posts/{post.pk}/correct/", {"text": "On \x00 May.", "reason": "Date."}
    )
    assert response.status_code == 400
    assert "The wording must not contain NUL characters" in response.content.decode()
    # A browser cannot send a lone surrogate; another caller of the action can.
    with pytest.raises(BadInput, match="text: must be valid Unicode text"):
        Correct(people.alice, post=post.pk, text="On \ud800 May.", reason="Date.").run()
    assert record.size() == size


def test_each_step_returns_to_the_incident_and_says_what_comes_next(people, client):
    from amends.actions import OpenIncident, Publish

    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    incident = OpenIncident(
        people.alice, post=post.pk, kind="fact", severity="minor", summary="s", rationale="r"
    ).run()
    client.force_login(people.alice)
    done = client.post(
        f"/desk/posts/{post.pk}/apologise/", {"text": "Sorry: the date we gave was wrong."}
    )
    assert done.url == f"/desk/incidents/{incident.pk}/#steps"
    said = [str(m) for m in get_messages(done.wsgi_request)]
    assert said[-1].endswith(
        "Next: make amends. Correct the post visibly: strike through, say when and why."
    )
    done = client.post(
        f"/desk/posts/{post.pk}/correct/", {"text": "Closes on 14 May.", "reason": "Wrong date."}
    )
    assert done.url == f"/desk/incidents/{incident.pk}/#steps"
    said = [str(m) for m in get_messages(done.wsgi_request)]
    assert "Every other step is done" in said[-1]


def test_a_step_on_a_post_without_an_open_incident_returns_to_the_post(people, client):
    from amends.actions import Publish

    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    client.force_login(people.alice)
    done = client.post(
        f"/desk/posts/{post.pk}/correct/", {"text": "Closes on 14 May.", "reason": "Wrong date."}
    )
    assert done.url == f"/desk/posts/{post.pk}/"
