"""The conversation about an incident and the move-on signal: recorded curves (rising, peaked
and fallen, revived after a reply) read right; `amends conversation` shows the hours; a reply
past the budget is refused with what the curve says."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amends.actions import OpenIncident, Publish, Reply
from amends.copies.models import Mention
from amends.errors import AmendsError
from amends.text.conversation import Hour, read
from tests.support.cli import run

START = datetime(2026, 12, 3, 9, tzinfo=UTC)


def curve(*totals: int) -> list[Hour]:
    return [Hour(START + timedelta(hours=n), replies=t) for n, t in enumerate(totals)]


def test_a_rising_curve_says_rising():
    found = read(curve(2, 8, 20, 45))
    assert (found.state, found.peak, found.fallen_by) == ("rising", START + timedelta(hours=3), 0)


def test_a_peaked_and_fallen_curve_says_move_on():
    found = read(curve(3, 40, 120, 60, 30, 18))
    assert found.state == "falling"
    assert found.peak == START + timedelta(hours=2)
    assert found.fallen_by == 0.85


def test_a_curve_that_came_back_after_a_reply_says_revived():
    reply = START + timedelta(hours=4, minutes=10)
    found = read(curve(10, 90, 40, 20, 30, 70), [reply])
    assert found.state == "revived"
    assert found.revived_after == reply
    # The same curve with no reply from the team is people coming back on their own.
    assert read(curve(10, 90, 40, 20, 30, 70)).state != "revived"


def test_too_little_to_read_is_quiet():
    assert read(curve(0, 1, 2, 1)).state == "quiet"
    assert read([]).state == "quiet"


@given(st.lists(st.integers(0, 500), min_size=1, max_size=72))
def test_the_signal_is_always_one_of_its_states_and_fallen_by_is_a_share(totals):
    found = read(curve(*totals))
    assert found.state in ("quiet", "rising", "steady", "falling", "revived")
    assert 0.0 <= found.fallen_by <= 1.0
    if max(totals) >= 5:
        assert found.peak == START + timedelta(hours=totals.index(max(totals)))
        assert found.fallen_by == round(1 - totals[-1] / max(totals), 3)


@pytest.fixture
def incident(people, settings):
    settings.RESPONSE_BUDGETS = {**settings.RESPONSE_BUDGETS, "minor": 1}
    post = Publish(people.alice, account="house:news", text="Road closed near the Guildhall.").run()
    opened = OpenIncident(
        people.sam,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Wrong road",
        rationale="The road named was the wrong one.",
    ).run()
    return opened


def mention_curve(incident, totals, start):
    for hour, total in enumerate(totals):
        for n in range(total):
            Mention.objects.create(
                post=incident.post,
                kind=("reply", "quote", "repost", "mention")[n % 4],
                url=f"https://social.example/{hour}/{n}",
                at=start + timedelta(hours=hour, minutes=n % 60),
                found_at=start,
            )


def test_amends_conversation_shows_each_hour_and_the_advice(incident, monkeypatch):
    start = incident.post.created_at.replace(minute=0, second=0, microsecond=0)
    mention_curve(incident, [4, 40, 120, 60, 30, 18], start)
    later = start + timedelta(hours=6, minutes=30)
    monkeypatch.setattr("amends.copies.conversation.now", lambda: later)
    result = run("conversation", incident.pk, "--json")
    assert result.exit_code == 0, result.stderr
    import json

    said = json.loads(result.stdout)
    assert said["incident"] == incident.pk
    kinds = ("replies", "quotes", "reposts", "mentions")
    totals = [sum(h[k] for k in kinds) for h in said["per_hour"]]
    assert totals == [4, 40, 120, 60, 30, 18]
    assert said["per_hour"][2] == {
        "hour": (start + timedelta(hours=2)).isoformat().replace("+00:00", "Z"),
        "replies": 30,
        "quotes": 30,
        "reposts": 30,
        "mentions": 30,
    }
    assert said["peak"] == said["per_hour"][2]["hour"]
    assert said["fallen_by"] == 0.85
    assert said["advice"] == (
        f"Activity peaked at {start + timedelta(hours=2):%H:%M} and has fallen 85%; replying "
        "now is likely to revive it."
    )


def test_a_reply_past_the_budget_is_refused_with_what_the_curve_says(incident, people, monkeypatch):
    start = incident.post.created_at.replace(minute=0, second=0, microsecond=0)
    mention_curve(incident, [4, 40, 120, 60, 30, 18], start)
    monkeypatch.setattr(
        "amends.copies.conversation.now", lambda: start + timedelta(hours=6, minutes=30)
    )
    Reply(people.alice, post=incident.post.pk, text="We got the road wrong; it is Castle St.").run()
    with pytest.raises(AmendsError) as refused:
        Reply(people.alice, post=incident.post.pk, text="To be clear, it is Castle Street.").run()
    assert "activity peaked at" in str(refused.value)
    assert "has fallen 85%; replying now is likely to revive it (use --anyway" in str(refused.value)
    assert "If you must, tick the box below" in refused.value.said
    assert "has fallen 85%" in refused.value.said
