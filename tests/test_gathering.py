"""Gathering on X through its connector and recorded responses (no X server can run here; the
recordings beside the connector are shaped after X's API reference): quotes, replies and
reposts of an open incident's post reach the inbox and the register; the force's own quote is
left out; the next look starts from the newest reply read; and the incident page shows what
watching X has cost."""

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from django.utils import timezone

from amends.actions import AddAccount, OpenIncident, Publish
from amends.connectors.http import Seam
from amends.connectors.x import connector as x_connector
from amends.connectors.x.connector import X
from amends.copies.gathering import FIRST, gather_due
from amends.copies.models import Gathering, KnownCopy, Mention
from amends.delivery.models import Copy
from tests.support import recordings

ORIGINAL = "1445880548472328192"


class Platform(recordings.Replay):
    folder = Path(x_connector.__file__).parent / "recordings"


@pytest.fixture
def incident(people):
    AddAccount(
        None,
        key="x:examplepolice",
        settings={},
        secrets={"token": "user-access-token"},
        as_operator=True,
    ).run()
    from amends.desk.models import Account

    Account.objects.filter(platform="x").update(settings={"user_id": "2244994945"})  # as checked
    post = Publish(people.alice, account="x:examplepolice", text="A red Ford Focus.").run()
    at = timezone.now() - timedelta(hours=1)
    Copy.objects.create(
        post=post,
        remote_id=ORIGINAL,
        url=f"https://x.com/i/web/status/{ORIGINAL}",
        extra={"edit_history_tweet_ids": [ORIGINAL]},
        expected="",
        salt="",
        published_at=at,
        active_at=at,
    )  # as the worker leaves it once X has the post
    return OpenIncident(
        people.sam,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Wrong car",
        rationale="The car described was the wrong one.",
    ).run()


def looking(*answers):
    platform = Platform(*answers)
    seam = Seam("x", transport=httpx.MockTransport(platform))

    def make(account):
        return X(account.handle, dict(account.settings), {"token": "t"}, seam=seam)

    return make, platform


def test_x_quotes_replies_and_reposts_are_gathered_and_their_cost_shown(
    people, incident, client, settings
):
    settings.X_READ_PRICE = "0.005"
    make, _ = looking("quote_tweets", "search_replies", "retweeted_by")
    assert gather_due(make) == 3
    kinds = sorted(Mention.objects.values_list("kind", "author"))
    assert kinds == [("quote", "cardiffresident"), ("reply", "samjones"), ("repost", "localnews")]
    copies = sorted(KnownCopy.objects.values_list("found_by", "revision"))
    assert copies == [("quote", 1), ("repost", 1)]
    state = Gathering.objects.get()
    assert (state.cursor, state.reads, state.interval) == ("1446211218000000010", 7, FIRST)

    # Due again: the look asks for replies since the newest read; nothing new, so it waits
    # twice as long; nothing is kept twice.
    Gathering.objects.update(due_at=timezone.now())
    make, platform = looking("quote_tweets", "search_replies_none", "retweeted_by")
    assert gather_due(make) == 0
    assert platform.requests[1].url.params["since_id"] == "1446211218000000010"
    state.refresh_from_db()
    assert (state.reads, state.interval) == (12, 2 * FIRST)
    assert Mention.objects.count() == 3

    client.force_login(people.sam)
    page = client.get(f"/desk/incidents/{incident.pk}/").content.decode()
    assert "Watching X for replies, quotes and reposts: last looked" in page
    assert "Cost so far: 12 reads from X, about $0.06." in page


def test_a_failing_platform_is_left_alone_for_longer(people, incident):
    limited = recordings.recording(Platform.folder, "error_rate_limit")
    limited["request"] = {"method": "GET", "path": f"/2/tweets/{ORIGINAL}/quote_tweets"}
    make, _ = looking(limited)
    assert gather_due(make) == 0
    state = Gathering.objects.get()
    assert state.problem.startswith("x: 429")
    assert state.interval == 2 * FIRST
    assert state.due_at > timezone.now() + timedelta(seconds=2 * FIRST - 60)
    assert gather_due(make) == 0  # not due yet: no request made
