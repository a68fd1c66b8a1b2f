"""The people and token actions themselves, below the desk, the API and the command line that
call them: who may run each (the named personas), what each changes and records, and that a
refusal changes nothing and records nothing."""

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client

from amends.actions import (
    AddUser,
    ChangePassword,
    ClearSecondFactor,
    CreateToken,
    RevokeToken,
    SetActive,
    SetPassword,
    SetRole,
)
from amends.actions.base import Forbidden
from amends.api.models import ApiToken
from amends.desk.models import AuthenticatorApp
from amends.errors import AmendsError, BadInput, Refused
from amends.record import api as record

PASSWORD = "a long and unusual passphrase"
OTHER = "another quite different phrase"

pytestmark = pytest.mark.django_db


def recorded() -> list[record.Leaf]:
    return [record.Leaf.parse(e.leaf) for e in record.entries(0, record.size())]


def role_of(user: User) -> set[str]:
    return set(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def state() -> tuple:
    """Everything a people or token action may change."""
    users = tuple(
        (
            u.username,
            u.is_active,
            u.password,
            tuple(sorted(u.groups.values_list("name", flat=True))),
        )
        for u in User.objects.order_by("pk")
    )
    tokens = tuple(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at"))
    factors = tuple(AuthenticatorApp.objects.order_by("pk").values_list("pk", "confirmed"))
    return users, tokens, factors, record.size(), Session.objects.count()


def refused_without_change(action) -> AmendsError:
    before = state()
    with pytest.raises(AmendsError) as raised:
        action.run()
    assert state() == before
    return raised.value


# Every admin action, as a function of (actor, people) building it against someone else.
ADMIN_ACTIONS = {
    "add a person": lambda actor, p: AddUser(actor, name="newcomer", role="author"),
    "set a role": lambda actor, p: SetRole(actor, user=p.alice.pk, role="supervisor"),
    "deactivate": lambda actor, p: SetActive(actor, user=p.alice.pk, active=False),
    "set a password": lambda actor, p: SetPassword(actor, user=p.alice.pk, password=PASSWORD),
}


@pytest.mark.parametrize("what", ADMIN_ACTIONS)
@pytest.mark.parametrize("persona", ["alice", "sam", "fiona", "olly"])
def test_only_an_admin_manages_people(people, persona, what):
    error = refused_without_change(ADMIN_ACTIONS[what](getattr(people, persona), people))
    assert isinstance(error, Forbidden)


@pytest.mark.parametrize("what", ADMIN_ACTIONS)
def test_an_admin_manages_people_and_each_change_is_recorded(people, what):
    before = record.size()
    ADMIN_ACTIONS[what](people.adam, people).run()
    (entry,) = recorded()[before:]
    assert entry.actor == "adam"
    assert entry.kind.startswith("user.")
    assert PASSWORD not in str(entry.data)


def test_a_role_replaces_the_one_before_and_says_what_it_was(people):
    SetRole(people.adam, user=people.alice.pk, role="auditor").run()
    assert role_of(people.alice) == {"auditor"}
    assert recorded()[-1].data == {"user": "alice", "role": "auditor", "was": ["author"]}


def test_no_admin_changes_their_own_role_activity_or_password_this_way(people):
    for action in (
        SetRole(people.adam, user=people.adam.pk, role="author"),
        SetActive(people.adam, user=people.adam.pk, active=False),
        SetPassword(people.adam, user=people.adam.pk, password=PASSWORD),
        ClearSecondFactor(people.adam, user=people.adam.pk),
    ):
        assert isinstance(refused_without_change(action), Refused)


def test_what_is_already_so_is_refused_not_recorded_again(people):
    assert "already author" in str(
        refused_without_change(SetRole(people.adam, user=people.alice.pk, role="author"))
    )
    assert "already active" in str(
        refused_without_change(SetActive(people.adam, user=people.alice.pk, active=True))
    )
    assert "no second factor" in str(
        refused_without_change(ClearSecondFactor(people.adam, user=people.alice.pk))
    )


def test_bad_roles_names_and_passwords_are_named_and_change_nothing(people):
    error = refused_without_change(SetRole(people.adam, user=people.alice.pk, role="boss"))
    assert isinstance(error, BadInput)
    assert error.field == "role"
    error = refused_without_change(AddUser(people.adam, name="ALICE", role="author"))
    assert "capitals" in str(error)
    error = refused_without_change(SetPassword(people.adam, user=people.alice.pk, password="123"))
    assert isinstance(error, BadInput)
    assert error.field == "password"


def test_deactivating_ends_every_session_at_once(people):
    for _ in range(2):
        Client().force_login(people.alice)
    Client().force_login(people.sam)
    assert Session.objects.count() == 3
    SetActive(people.adam, user=people.alice.pk, active=False).run()
    assert Session.objects.count() == 1  # sam's
    assert not User.objects.get(pk=people.alice.pk).is_active
    SetActive(people.adam, user=people.alice.pk, active=True).run()
    assert [e.kind for e in recorded()[-2:]] == ["user.deactivated", "user.reactivated"]


def test_a_password_set_by_an_admin_revokes_the_persons_tokens(people):
    mine = CreateToken(people.alice, name="script").run().token
    theirs = CreateToken(people.sam, name="other").run().token
    action = SetPassword(people.adam, user=people.alice.pk, password=PASSWORD)
    action.run()
    assert action.revoked == 1
    assert ApiToken.objects.get(pk=mine.pk).is_revoked
    assert not ApiToken.objects.get(pk=theirs.pk).is_revoked
    assert User.objects.get(pk=people.alice.pk).check_password(PASSWORD)


def test_changing_ones_own_password_needs_the_current_one(people):
    SetPassword(people.adam, user=people.alice.pk, password=PASSWORD).run()
    alice = User.objects.get(pk=people.alice.pk)
    CreateToken(alice, name="script").run()
    wrong = refused_without_change(ChangePassword(alice, current="guess", new=OTHER, again=OTHER))
    assert wrong.field == "current"
    differ = refused_without_change(ChangePassword(alice, current=PASSWORD, new=OTHER, again="x"))
    assert differ.field == "again"
    action = ChangePassword(alice, current=PASSWORD, new=OTHER, again=OTHER)
    action.run()
    assert action.revoked == 1
    assert User.objects.get(pk=alice.pk).check_password(OTHER)


def test_an_admin_turns_off_a_lost_second_factor(people):
    AuthenticatorApp.start(people.alice, confirmed=True)
    ClearSecondFactor(people.adam, user=people.alice.pk).run()
    assert not AuthenticatorApp.objects.filter(user=people.alice).exists()
    assert recorded()[-1].kind == "user.second_factor_removed"


@pytest.mark.parametrize("persona", ["alice", "sam", "fiona", "adam"])
def test_each_person_with_a_role_makes_their_own_token_and_the_secret_is_not_recorded(
    people, persona
):
    issued = CreateToken(getattr(people, persona), name="nightly export", days=30).run()
    assert issued.token.user.username == persona
    assert ApiToken.find(issued.secret) == issued.token
    entry = recorded()[-1]
    assert entry.kind == "token.created"
    assert entry.data["user"] == persona
    # The secret part is everything after the scheme and prefix; it may itself hold "_".
    secret = issued.secret.split("_", 2)[2]
    assert len(secret) >= 40
    assert secret not in str(entry.data)


def test_someone_without_a_role_makes_no_token(people):
    assert isinstance(refused_without_change(CreateToken(people.olly, name="x")), Forbidden)


@pytest.mark.parametrize(
    ("days", "name"),
    [(0, "ok"), (3651, "ok"), (True, "ok"), ("7", "ok"), (7, "a\nb"), (7, "x" * 101)],
)
def test_a_token_with_bad_days_or_name_is_refused(people, days, name):
    error = refused_without_change(CreateToken(people.alice, name=name, days=days))
    assert isinstance(error, BadInput)
    assert error.field in ("days", "name")


@pytest.mark.parametrize(
    ("revoker", "allowed"), [("alice", True), ("adam", True), ("sam", False), ("fiona", False)]
)
def test_a_token_is_revoked_by_its_owner_or_an_admin_only(people, revoker, allowed):
    token = CreateToken(people.alice, name="script").run().token
    action = RevokeToken(getattr(people, revoker), token=token.pk)
    if not allowed:
        assert isinstance(refused_without_change(action), Forbidden)
        return
    action.run()
    assert ApiToken.objects.get(pk=token.pk).is_revoked
    assert recorded()[-1].actor == revoker
    again = refused_without_change(RevokeToken(people.alice, token=token.pk))
    assert "already revoked" in str(again)
