"""The contract every registered connector keeps (docs/platforms.md, "Adding a platform").

One test over the registry instead of one per platform restating its class attributes: a new
connector that forgets a method its capabilities promise, repeats a name, shows a credential in
its repr or cannot count without credentials fails here before any platform test runs.
"""

import pytest

from amends.connectors import CONNECTORS, REGISTERED
from amends.connectors.base import Connector, Measure

# What a platform connector must do to take part in the five steps at all.
REQUIRED = ("check", "publish", "reply", "delete", "fetch", "find")
SECRET = "s3cret-never-shown"


def overrides(cls: type[Connector], method: str) -> bool:
    return getattr(cls, method) is not getattr(Connector, method)


@pytest.fixture(params=REGISTERED, ids=[c.name for c in REGISTERED])
def cls(request) -> type[Connector]:
    return request.param


def test_the_registry_holds_each_connector_once_under_its_own_name():
    assert len({c.name for c in REGISTERED}) == len(REGISTERED)
    assert all(CONNECTORS[c.name] is c for c in REGISTERED)
    assert len({c.label for c in REGISTERED}) == len(REGISTERED)


def test_a_connector_names_itself_in_words(cls):
    assert cls.name.isascii()
    assert cls.name.islower()
    assert cls.name.isalpha()
    assert cls.label.strip()


def test_a_platform_connector_implements_every_step(cls):
    # The force's own site is delivered by rendering pages, not by the outbox: it only checks
    # and reads back.
    required = ("check", "fetch") if cls.local else REQUIRED
    # What the platform's API cannot do, a person does in its app (Connector.by_hand).
    by_hand = {"publish": "publish", "delete": "delete", "reply": "thread"}
    required = tuple(m for m in required if by_hand.get(m) not in cls.capabilities.by_hand)
    if not cls.reads:  # nothing can be read back: every step is done by hand and confirmed
        required = tuple(m for m in required if m not in ("fetch", "find"))
        assert cls.capabilities.by_hand >= {"publish", "edit", "delete", "notice"}
    missing = [m for m in required if not overrides(cls, m)]
    assert not missing, f"{cls.name} lacks {missing}"


def test_what_the_capabilities_promise_is_implemented(cls):
    caps = cls.capabilities
    if cls.local:
        return
    assert overrides(cls, "edit") or not caps.edit or "edit" in caps.by_hand
    assert overrides(cls, "quote") or not caps.quote or "quote" in caps.by_hand
    assert caps.by_hand <= {"publish", "edit", "thread", "quote", "delete", "notice"}
    assert overrides(cls, "replies") or not caps.list_replies
    if not caps.edit:
        assert caps.edit_window is None
        assert caps.max_edits is None


def test_fields_are_named_once_and_explained(cls):
    names = [f.name for f in cls.fields]
    assert len(set(names)) == len(names)
    assert all(f.help.strip() for f in cls.fields)
    if not cls.local and cls.reads:  # a platform Amends cannot read, it never signs in to
        assert any(f.secret for f in cls.fields), f"{cls.name} keeps no credential"


def test_counting_needs_no_credentials_and_no_network(cls):
    rules = cls("police", {}, {})
    short, long = rules.measure("Sorry."), rules.measure("x" * 100_000)
    assert isinstance(short, Measure)
    assert short.fits
    assert long.fits == (cls.capabilities.limit is None)
    assert cls.capabilities.unit in str(short)


def test_comparing_wording_is_stable(cls):
    rules = cls("police", {}, {})
    once = rules.comparable("<p>Road  closed:\n<b>A38</b> &amp; bypass.</p>")
    assert rules.comparable(once) == once
    assert "A38" in once


def test_a_connector_never_shows_its_credentials(cls):
    secrets = {f.name: SECRET for f in cls.fields if f.secret}
    connector = cls("police", {"server": "https://example.org"}, secrets)
    assert SECRET not in repr(connector)
    assert SECRET not in str(connector)


@pytest.mark.django_db
def test_what_an_account_needs_is_asked_for_by_the_command_line_and_the_desk(cls, people, client):
    """`amends account add` and the desk's account form are built from the connectors' fields:
    a field a connector adds is asked for in both, a secret only from a file or a password box."""
    import re

    from tests.support.cli import run

    shown = run("account", "add", "--help").output
    client.force_login(people.adam)
    form = client.get("/desk/people/").content.decode()
    for field in cls.fields:
        flag = f"--{field.name}-file" if field.secret else f"--{field.name}"
        assert re.search(rf"^\s+{flag} ", shown, re.M), flag
        assert f"{cls.name:<10} " in shown  # the "What each platform needs" table
        box = re.search(rf'<input type="(\w+)" id="add-account-{field.name}"', form)
        assert box, field.name
        assert (box[1] == "password") == field.secret, field.name
