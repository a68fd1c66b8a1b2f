"""Webmention (W3C), sending: a post that links to pages tells each of them when it is
published, corrected and taken down. Discovery is checked against every one of the 23
webmention.rocks discovery tests, re-created on loopback (tests/support/rocks.py); update and
delete semantics, retries, and the guard that keeps the sender off private addresses."""

from datetime import timedelta

import pytest

from amends.actions import Correct, Publish, RemoveNow
from amends.copies.models import Sent
from amends.copies.sending import ATTEMPTS, send_due, source_of
from amends.site.views import locate
from tests.support import rocks

SITE = "https://news.police.example"


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    with rocks.serving() as served:
        yield served


@pytest.mark.parametrize("n", sorted(rocks.CASES), ids=lambda n: f"rocks-{n}")
def test_discovery_finds_the_endpoint_each_webmention_rocks_test_advertises(people, site, n):
    what, _, _, expected = rocks.CASES[n]
    target = rocks.target(site, n)
    post = Publish(people.alice, account="house:news", text=f"Read the appeal: {target}").run()
    assert Sent.objects.get(post=post).target == target
    assert send_due() == 1
    assert site.received == [(expected, {"source": source_of(post.pk), "target": target})], what
    assert Sent.objects.get(post=post).state == "sent"


def test_every_change_tells_every_page_the_post_links_to_or_linked_to(people, site):
    one, two = rocks.target(site, 3), rocks.target(site, 21)
    post = Publish(
        people.alice, account="house:news", text=f"Appeal updates at {one} and at {two}."
    ).run()
    assert send_due() == 2
    assert sorted(path for path, _ in site.received) == [
        "/test/21/webmention?query=yes",
        "/test/3/webmention",
    ]

    # The correction drops the second link; that page still hears, so it can update too.
    site.received.clear()
    Correct(people.alice, post=post.pk, text=f"Appeal updates at {one}.", reason="Link").run()
    assert send_due() == 2
    assert len(site.received) == 2
    assert {form["target"] for _, form in site.received} == {one, two}

    # Taken down: the post has no words left, yet both pages hear, and its page answers 410.
    site.received.clear()
    RemoveNow(
        people.sam,
        post=post.pk,
        ground="identified_person",
        explanation="It named a witness.",
        rationale="A witness was named.",
    ).run()
    assert send_due() == 2
    assert {form["target"] for _, form in site.received} == {one, two}
    assert {form["source"] for _, form in site.received} == {source_of(post.pk)}
    assert locate(f"posts/{post.pk}/")[1] == 410
    assert send_due() == 0  # nothing owed twice


def test_links_to_the_site_itself_and_words_without_links_owe_nothing(people, site):
    Publish(people.alice, account="house:news", text=f"See {SITE}/posts/1/ and our page.").run()
    Publish(people.alice, account="house:news", text="Nothing linked here.").run()
    assert list(Sent.objects.values_list("target", flat=True)) == []


def test_a_page_with_no_endpoint_is_left_alone(people, site):
    post = Publish(people.alice, account="house:news", text=f"See {site.base}/nowhere").run()
    send_due()
    owed = Sent.objects.get(post=post)
    assert (owed.state, owed.attempts) == ("no-endpoint", 1)
    assert site.received == []


def test_an_endpoint_that_does_not_answer_is_tried_again_then_given_up(people, site, settings):
    from amends.clock import now

    post = Publish(people.alice, account="house:news", text=f"See {rocks.target(site, 3)}").run()
    owed = Sent.objects.get(post=post)
    for attempt in range(1, ATTEMPTS + 1):
        Sent.objects.filter(pk=owed.pk).update(
            target="http://127.0.0.1:9/test/3", due_at=now() - timedelta(seconds=1)
        )
        assert send_due() == 1
        owed.refresh_from_db()
        assert owed.attempts == attempt
        assert owed.problem.startswith("no answer")
        if attempt < ATTEMPTS:
            assert owed.state == "pending"
            assert owed.due_at > now() + timedelta(minutes=2**attempt - 1)
    assert owed.state == "failed"


def test_the_sender_never_reaches_a_private_address_outside_tests(people, site, settings):
    settings.ALLOW_PRIVATE_ADDRESSES = False
    post = Publish(people.alice, account="house:news", text=f"See {rocks.target(site, 3)}").run()
    send_due()
    owed = Sent.objects.get(post=post)
    assert owed.state == "refused"
    assert site.fetched == []
    assert site.received == []


def test_a_post_changed_while_its_webmention_was_being_sent_is_owed_again(people, site):
    from amends.copies import sending

    post = Publish(people.alice, account="house:news", text=f"See {rocks.target(site, 3)}").run()
    real = sending.discover

    def changed_meanwhile(client, target):
        Correct(people.alice, post=post.pk, text=f"Now see {target} too", reason="More").run()
        return real(client, target)

    sending.discover = changed_meanwhile
    try:
        send_due()
    finally:
        sending.discover = real
    assert Sent.objects.get(post=post).state == "pending"  # the correction's, still owed
    send_due()
    assert Sent.objects.get(post=post).state == "sent"
    assert len(site.received) == 2
