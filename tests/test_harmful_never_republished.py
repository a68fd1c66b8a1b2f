"""Harmful words come down and are never published again, in any form.

A post naming people the case officer protected is taken down; a redacted version goes out in
its place. Whatever the names and wherever they sit in the post, none of them appears in
anything Amends writes afterwards: the public site (pages, notice, corrections list, feed,
JSON-LD), what is sent to the platform, and the record's entries. And every attempt to publish
one again, in any composer, is refused.
"""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from amends.actions import (
    Apologise,
    CloseIncident,
    Correct,
    OpenIncident,
    PolicyViolation,
    ProtectNames,
    Publish,
    PublishRedacted,
    RemoveNow,
    Reply,
    RequestDeletion,
)
from amends.delivery.worker import Worker
from amends.errors import Refused
from amends.record import api as record
from amends.text import personal
from tests.support import testbed as platform

# Filler words are shorter than four letters, so none can be mistaken for part of a name.
FILLER = ["the", "man", "was", "in", "on", "at", "by", "car", "van", "red", "old", "we", "saw"]
NAME = st.from_regex(r"[A-Z][a-z]{4,8}( [A-Z][a-z]{4,8})?", fullmatch=True)
REDACTED = "[name removed]"


def drain() -> None:
    worker = Worker("test")
    while worker.step():
        pass


def site_text(site: Path) -> str:
    return "\n".join(p.read_text() for p in sorted(site.rglob("*")) if p.is_file())


def present(name: str, text: str) -> bool:
    return personal.fold(name) in personal.fold(text)


def _incident(people, post):
    return OpenIncident(
        people.alice,
        post=post.pk,
        kind="harmful",
        severity="critical",
        summary="It named a witness.",
        rationale="A live case.",
    ).run()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    names=st.lists(NAME, min_size=1, max_size=3, unique_by=personal.fold),
    words=st.lists(st.sampled_from(FILLER), min_size=2, max_size=12),
    places=st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=3),
)
def test_protected_names_never_reach_any_output_after_removal(
    people, testbed, settings, names, words, places
):
    # No name may look like the marker that replaces it, or like another one's part.
    assume(not personal.find(REDACTED, protected=names))
    wording = list(words)
    for n, name in enumerate(names):
        wording.insert(min(places[n % len(places)], len(wording)), name)
    text = " ".join(wording) + "."
    redacted = text
    for name in names:
        redacted = redacted.replace(name, REDACTED)
    assume(not personal.find(redacted, protected=names))

    post = Publish(people.alice, account="testbed:police", text=text).run()
    drain()
    incident = _incident(people, post)
    ProtectNames(people.alice, incident=incident.pk, names=names).run()
    start_seq, start_calls = record.size(), len(platform.BOARD.calls)

    for name in names:
        with pytest.raises(PolicyViolation, match="protected"):
            Apologise(people.alice, post=post.pk, text=f"Sorry: we named {name}.").run()
        with pytest.raises(PolicyViolation, match="protected"):
            Reply(people.alice, post=post.pk, text=f"About {name}: we got it wrong.").run()
        with pytest.raises(PolicyViolation):
            Correct(people.alice, post=post.pk, text=redacted, reason=f"Named {name}").run()
        with pytest.raises(PolicyViolation, match="protected"):
            RequestDeletion(
                people.alice,
                post=post.pk,
                ground="identified_person",
                explanation=f"It named {name}.",
                rationale="r",
            ).run()

    RemoveNow(
        people.sam,
        post=post.pk,
        ground="identified_person",
        explanation="It identified a witness.",
        rationale="Named a witness in a live case.",
    ).run()
    drain()
    for name in names:
        with pytest.raises(PolicyViolation):
            PublishRedacted(people.alice, post=post.pk, text=f"{redacted} {name}", reason="r").run()
    PublishRedacted(
        people.alice, post=post.pk, text=redacted, reason="It identified a witness."
    ).run()
    drain()
    CloseIncident(
        people.sam,
        incident=incident.pk,
        statement="We removed a post that identified a witness. We are sorry.",
        rationale="Removed and republished without the names.",
        not_needed={"apologise": "The statement says sorry."},
    ).run()
    drain()

    site = site_text(Path(settings.SITE_DIR))
    sent = json.dumps(platform.BOARD.calls[start_calls:])
    visible = "\n".join(platform.BOARD.visible())
    leaves = "\n".join(e.leaf.decode() for e in record.entries(start_seq, 100_000))
    assert REDACTED in site
    for name in names:
        assert not present(name, site), name
        assert not present(name, sent), name
        assert not present(name, visible), name
        assert not present(name, leaves), name


def test_the_names_are_stored_encrypted_and_recorded_only_as_a_count(people):
    from amends.desk.models import Incident

    post = Publish(people.alice, account="house:news", text="We saw Mary Jones today.").run()
    incident = _incident(people, post)
    ProtectNames(people.alice, incident=incident.pk, names=["Mary Jones", " ", "Mary Jones"]).run()
    stored = bytes(Incident.objects.get(pk=incident.pk).protected)
    assert b"Mary" not in stored
    assert Incident.objects.get(pk=incident.pk).protected_names() == ["Mary Jones"]
    entry = record.entries_about(f"incident:{incident.pk}")[-1]
    assert json.loads(entry.leaf)["data"] == {"incident": incident.pk, "count": 1}


def test_a_close_spelling_of_a_protected_name_is_refused_too(people):
    post = Publish(people.alice, account="house:news", text="We saw Mary Jones today.").run()
    incident = _incident(people, post)
    ProtectNames(people.alice, incident=incident.pk, names=["Mary Jones"]).run()
    with pytest.raises(PolicyViolation, match="protected in incident"):
        Apologise(people.alice, post=post.pk, text="Sorry: we named Mary Jnes.").run()


def test_a_redacted_version_only_follows_a_removal_for_harmful_content(people):
    post = Publish(people.alice, account="house:news", text="We saw Mary Jones today.").run()
    incident = _incident(people, post)
    with pytest.raises(Refused, match="still up"):
        PublishRedacted(people.alice, post=post.pk, text="We saw [name removed].", reason="r").run()
    fact = Publish(people.alice, account="house:news", text="Closes 4 May.").run()
    OpenIncident(
        people.alice, post=fact.pk, kind="fact", severity="minor", summary="s", rationale="r"
    ).run()
    with pytest.raises(Refused, match="correct post"):
        PublishRedacted(people.alice, post=fact.pk, text="Closes 14 May.", reason="r").run()
    assert incident.pk
