"""Every entry kind that records an override gives ``anyway`` one type: a boolean (found by
independent checking of the record's formats: a reply once recorded a list there)."""

import json

from amends.actions import Apologise, Correct, OpenIncident, Publish, Reply
from amends.record.models import Entry


def test_anyway_is_a_boolean_in_every_entry_that_has_it(people):
    post = Publish(people.alice, account="house:news", text="Closes on 4 May.").run()
    OpenIncident(
        people.alice,
        post=post.pk,
        kind="fact",
        severity="minor",
        summary="Date",
        rationale="Opened for the test.",
    ).run()
    Apologise(people.alice, post=post.pk, text="Sorry: the date we gave was wrong.").run()
    Correct(people.alice, post=post.pk, text="Closes on 14 May.", reason="Wrong date.").run()
    Reply(people.alice, post=post.pk, text="Thanks for spotting it.").run()
    Reply(
        people.alice, post=post.pk, text="Oops 😂", anyway=True, override_reason="Light touch."
    ).run()
    seen = {}
    for leaf in Entry.objects.values_list("leaf", flat=True):
        entry = json.loads(leaf)
        if "anyway" in entry.get("data", {}):
            seen.setdefault(entry["kind"], set()).add(type(entry["data"]["anyway"]).__name__)
    assert {"apology.published", "reply.published", "post.revised"} <= seen.keys()
    assert all(types == {"bool"} for types in seen.values()), seen
