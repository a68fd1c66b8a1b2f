"""Signing in with the force's own identity provider, against a real OpenID Connect provider on
loopback: the code flow, roles mapped from the app-roles claim, a person whose role is taken
away losing access at the next session refresh, tokens from another issuer refused."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from hypothesis import given
from hypothesis import strategies as st

from amends.actions.people import SetActive
from amends.desk.provider_roles import PRECEDENCE, NoRole, library_settings, parse_map, role_from
from amends.desk.roles import roles_of
from amends.record import api as record
from amends.web import oidc
from tests.support.servers.oidc import Provider

ROLE_MAP = {
    "Amends.Author": "author",
    "Amends.Supervisor": "supervisor",
    "Amends.Auditor": "auditor",
    "Amends.Admin": "admin",
}


@pytest.fixture(scope="module")
def provider():
    server = Provider()
    yield server
    server.close()


@pytest.fixture
def signing_in(settings, provider, people):
    """OpenID Connect turned on against ``provider``, as the AMENDS_OIDC_* variables turn it on."""
    for name, value in library_settings(
        issuer=provider.issuer,
        client_id="amends",
        client_secret="secret",
        role_map=ROLE_MAP,
        name="your Example Police account",
    ).items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "amends.web.oidc.Backend",
    ]
    oidc._found.clear()
    yield provider
    oidc._found.clear()


def sign_in(client, provider, sub: str, *, start="/desk/sign-in/provider/?next=/desk/posts/"):
    """The whole round trip: Amends sends the browser to the provider, ``sub`` signs in there,
    the provider sends the browser back; the answer to that."""
    away = client.get(start)
    assert away.status_code == 302
    assert away["Location"].startswith(f"{provider.issuer}/oauth2/authorize?")
    back = urlsplit(provider.sign_in(away["Location"], sub))
    assert back.path == "/desk/sign-in/provider/callback/"
    return client.get(f"{back.path}?{back.query}")


def test_a_person_signs_in_with_the_provider_and_gets_the_role_it_gives(client, signing_in):
    page = client.get("/desk/sign-in/").content.decode()
    assert "Sign in with your Example Police account" in page
    assert "Or sign in with a name and password" in page  # local passwords still work
    signing_in.set_claims(
        "0b7c", {"preferred_username": "dana.hughes", "roles": ["Amends.Supervisor"]}
    )
    size = record.size()
    answer = sign_in(client, signing_in, "0b7c")
    assert answer.status_code == 302
    assert answer["Location"] == "/desk/posts/"
    assert client.get("/desk/posts/").status_code == 200
    dana = User.objects.get(username="dana.hughes")
    assert roles_of(dana) == {"supervisor"}
    assert not dana.has_usable_password()
    added = record.entries_about(f"user:{dana.username}")
    assert [e.kind for e in added] == ["user.added"]
    assert added[0].read().data == {
        "user": "dana.hughes",
        "role": "supervisor",
        "via": signing_in.issuer,
    }
    assert record.size() == size + 1


def test_the_role_follows_the_provider_and_goes_with_it_at_the_next_refresh(client, signing_in):
    signing_in.set_claims("77", {"preferred_username": "eve", "roles": ["Amends.Author"]})
    sign_in(client, signing_in, "77")
    eve = User.objects.get(username="eve")
    assert roles_of(eve) == {"author"}

    def refresh():
        """The sign-in is older than the refresh interval: the next page sends the browser back
        to the provider, without a prompt."""
        session = client.session
        session["oidc_id_token_expiration"] = 0
        session.save()
        away = client.get("/desk/posts/")
        assert away.status_code == 302
        assert "prompt=none" in away["Location"]
        # A provider that still holds her session signs her in again without asking; the test
        # provider keeps no session, so she is named on its page instead.
        silent = away["Location"].replace("&prompt=none", "")
        back = urlsplit(signing_in.sign_in(silent, "77"))
        return client.get(f"{back.path}?{back.query}")

    # The force gives Eve another role: she has it after the refresh, and the record says so.
    signing_in.set_claims("77", {"preferred_username": "eve", "roles": ["Amends.Auditor"]})
    assert refresh()["Location"] == "/desk/posts/"
    assert roles_of(User.objects.get(username="eve")) == {"auditor"}
    changed = record.entries_about("user:eve")[-1]
    assert changed.kind == "user.role_set"
    assert changed.read().data["was"] == ["author"]

    # The force takes the role away: at the next refresh she is signed out, and told why.
    signing_in.set_claims("77", {"preferred_username": "eve", "roles": []})
    out = refresh()
    assert out["Location"] == "/desk/sign-in/"
    page = client.get("/desk/sign-in/").content.decode()
    assert "You could not sign in with your Example Police account" in page
    assert "the roles claim names no role Amends knows (it gives nothing)" in page
    assert client.get("/desk/posts/")["Location"].startswith("/desk/sign-in/")


def test_a_provider_that_no_longer_knows_the_person_signs_them_out(client, signing_in):
    signing_in.set_claims("f", {"preferred_username": "fay", "roles": ["Amends.Author"]})
    sign_in(client, signing_in, "f")
    session = client.session
    session["oidc_id_token_expiration"] = 0
    session.save()
    away = client.get("/desk/posts/")
    # Her session with the provider ended: asked without a prompt, it says login_required.
    back = urlsplit(signing_in.sign_in(away["Location"], "f"))
    assert "error=login_required" in back.query
    assert client.get(f"{back.path}?{back.query}")["Location"] == "/desk/sign-in/"
    assert (
        "the provider did not confirm who you are" in client.get("/desk/sign-in/").content.decode()
    )
    assert client.get("/desk/posts/")["Location"].startswith("/desk/sign-in/")


def test_a_claim_naming_no_known_role_lets_nobody_in_and_changes_nothing(client, signing_in):
    signing_in.set_claims("9", {"preferred_username": "mallory", "roles": ["Amends.Cleaner"]})
    size = record.size()
    answer = sign_in(client, signing_in, "9")
    assert answer["Location"] == "/desk/sign-in/"
    assert not User.objects.filter(username="mallory").exists()
    assert record.size() == size
    page = client.get("/desk/sign-in/").content.decode()
    assert "names no role Amends knows (it gives Amends.Cleaner)" in page
    assert "--" not in page


def test_a_person_deactivated_in_amends_stays_out(client, signing_in, people):
    SetActive(people.adam, user=people.alice.pk, active=False).run()
    signing_in.set_claims("a1", {"preferred_username": "alice", "roles": ["Amends.Author"]})
    assert sign_in(client, signing_in, "a1")["Location"] == "/desk/sign-in/"
    assert "alice was deactivated in Amends" in client.get("/desk/sign-in/").content.decode()


def test_a_token_from_another_issuer_is_refused(signing_in, rf):
    other = Provider()
    try:
        signing_in.set_claims("x", {"preferred_username": "x", "roles": ["Amends.Admin"]})
        other.set_claims("x", {"preferred_username": "x", "roles": ["Amends.Admin"]})
        backend = oidc.Backend()
        # Signed by the provider Amends trusts: accepted.
        assert backend.verify_token(signing_in.id_token("x"), nonce="n")["sub"] == "x"
        # Signed by another provider's key: refused.
        with pytest.raises(SuspiciousOperation):
            backend.verify_token(other.id_token("x"), nonce="n")
        # For another client of the trusted provider: refused.
        with pytest.raises(SuspiciousOperation, match="for another client"):
            backend.verify_token(signing_in.id_token("x", client_id="elsewhere"), nonce="n")
        # Signed with a key Amends trusts but naming another issuer: refused.
        trusted = oidc.discovery()
        oidc._found[signing_in.issuer] = (
            oidc._found[signing_in.issuer][0],
            {
                **trusted,
                "jwks_uri": f"{other.issuer}/jwks",
            },
        )
        with pytest.raises(SuspiciousOperation, match="from another issuer"):
            backend.verify_token(other.id_token("x"), nonce="n")
    finally:
        other.close()


def test_the_pages_are_not_there_when_the_provider_is_not_configured(client, people):
    assert client.get("/desk/sign-in/provider/").status_code == 404
    assert client.get("/desk/sign-in/provider/callback/?code=a&state=b").status_code == 404
    assert "Sign in with" not in client.get("/desk/sign-in/").content.decode()


# --- the mapping, pure ----------------------------------------------------------------------


@given(st.lists(st.sampled_from([*ROLE_MAP, "Other", "amends.author", ""]), max_size=6))
def test_the_role_is_the_strongest_the_claim_maps_to(values):
    mapped = {ROLE_MAP[v] for v in values if v in ROLE_MAP}
    if not mapped:
        with pytest.raises(NoRole, match="names no role Amends knows"):
            role_from(values, ROLE_MAP)
        return
    role = role_from(values, ROLE_MAP)
    assert role in mapped
    assert all(PRECEDENCE.index(role) <= PRECEDENCE.index(other) for other in mapped)


def test_a_single_string_claim_and_junk_claims():
    assert role_from("Amends.Author", ROLE_MAP) == "author"
    for junk in (None, 7, {"a": 1}, [None, 3]):
        with pytest.raises(NoRole, match="it gives nothing"):
            role_from(junk, ROLE_MAP)


def test_the_role_map_setting_is_read_or_refused_in_one_line():
    assert parse_map("Amends.Author=author, X = admin,") == {
        "Amends.Author": "author",
        "X": "admin",
    }
    for bad in ("Amends.Author", "=author", "Amends.Author=boss"):
        with pytest.raises(ValueError, match="is not VALUE=ROLE with ROLE one of admin"):
            parse_map(bad)
