"""The ``world`` fixture: one of everything the desk shows, so that every desk page has
something to render (the permission matrix and the HTML checker visit them all)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from amends.actions import (
    AddChannel,
    AddShift,
    OpenIncident,
    PlaceHold,
    Publish,
    RecordCopy,
    RequestDeletion,
)


@pytest.fixture
def world(people, testbed):
    """A post with an open incident and a hold, a plain post, a deletion awaiting approval, a
    failed delivery with a change seen on its platform, and a token of the visitor's own."""
    from amends.connectors import PlatformError
    from amends.delivery.models import OutsideChange
    from amends.delivery.worker import Worker

    failing = Publish(people.alice, account="testbed:police", text="Not sent.").run()
    testbed.BOARD.fail_next.append(PlatformError("testbed: 401 bad token", permanent=True))
    Worker("test").step()
    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    plain = Publish(people.alice, account="house:news", text="Plain.").run()
    doomed = Publish(people.andy, account="house:news", text="Rude.").run()
    deletion = RequestDeletion(
        people.andy,
        post=doomed.pk,
        ground="offensive",
        explanation="Rude.",
        rationale="Asked for in the test.",
    ).run()
    incident = OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Date",
        rationale="Opened for the test.",
    ).run()
    hold = PlaceHold(people.fiona, post=post.pk, reference="FOI/1").run()
    # What the public did about it over the last hours (the conversation chart), and a copy.
    from amends.copies.models import Mention

    for hour, count in enumerate((2, 9, 14, 6, 3)):
        for n in range(count):
            Mention.objects.create(
                post=post,
                kind=("reply", "quote", "repost", "mention")[n % 4],
                url=f"https://social.example/{hour}/{n}",
                at=timezone.now() - timedelta(hours=5 - hour, minutes=n),
                found_at=timezone.now(),
            )
    RecordCopy(
        people.alice,
        post=post.pk,
        url="https://forum.example/t/1",
        found_by="screenshot",
        revision=1,
    ).run()
    web_copy = RecordCopy(
        people.alice, post=post.pk, url="https://blog.example/2026/12/road", found_by="text"
    ).run()
    mention = Mention.objects.filter(post=post).order_by("-at").first()
    # As the watch leaves it when the post was edited on its platform (a row only: the seen
    # button reads nothing else).
    change = OutsideChange.objects.create(
        post=post, kind=OutsideChange.Kind.CHANGED, seq=10**9, found_at=timezone.now()
    )
    channel = AddChannel(people.alice, kind="email", address="alice@police.example").run()
    at = timezone.now()
    shift = AddShift(people.adam, user="sally", starts=at, ends=at + timedelta(hours=8)).run()
    return {
        "channel": channel.pk,
        "shift": shift.pk,
        "post": post.pk,
        "plain": plain.pk,
        "deletion": deletion.pk,
        "incident": incident.pk,
        "hold": hold.pk,
        "delivery": failing.deliveries.get().pk,
        "change": change.pk,
        "account": post.account_id,
        "alice": people.alice.pk,
        "copy": web_copy.pk,
        "mention": mention.pk,
    }


def desk_pages(people, world) -> list[tuple[str, str, str]]:
    """Every desk page (the permission matrix's list) as ``(name, persona, url)``: the first
    role it is for, and its address with the ``world`` fixture's things in it."""
    from django.urls import reverse

    from amends.api.models import ApiToken
    from tests.test_web_permissions import PAGES

    names = {**world, "token": ApiToken.issue(people.alice, "spare")[0].pk}
    pages = []
    for name, arguments, method, allowed in PAGES:
        if method == "GET":
            kwargs = {k: names[v] for k, v in arguments.items()}
            pages.append((name, allowed[0], reverse(f"desk:{name}", kwargs=kwargs)))
    return pages
