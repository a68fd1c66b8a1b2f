"""Slowing password guessing per name and per address, without locking anyone out."""

import ipaddress
from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from amends.desk import throttle
from amends.desk.models import SignInFailures
from amends.desk.throttle import client_address, say_wait, wait_seconds

PASSWORD = "a long and unusual passphrase"
PROXY = "10.0.0.2"
SAM_AT = "198.51.100.7"
ATTACKER_AT = "203.0.113.9"

# --- the delay (pure) ------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=10_000)
frees = st.integers(min_value=1, max_value=100)
caps = st.integers(min_value=1, max_value=86_400)


@given(failures=counts, free=frees, base=st.integers(1, 8), cap=caps)
def test_the_wait_is_nothing_for_the_free_tries_and_never_beyond_the_cap(failures, free, base, cap):
    wait = wait_seconds(failures, free=free, base=base, cap=cap)
    assert 0 <= wait <= cap
    assert (wait == 0) == (failures < free)


@given(failures=counts, free=frees, base=st.integers(1, 8), cap=caps)
def test_each_further_failure_doubles_the_wait_until_the_cap(failures, free, base, cap):
    now = wait_seconds(failures, free=free, base=base, cap=cap)
    following = wait_seconds(failures + 1, free=free, base=base, cap=cap)
    assert following >= now
    if failures >= free:
        assert following == min(cap, 2 * now)


@given(failures=counts, free=frees, name_cap=caps, extra=caps)
def test_an_address_waits_at_least_as_long_as_a_name(failures, free, name_cap, extra):
    name = wait_seconds(failures, free=free, base=1, cap=name_cap)
    address = wait_seconds(failures, free=free, base=2, cap=name_cap + extra)
    assert address >= name
    if failures >= free:
        assert address > name or address == name == name_cap


def test_the_first_waits_are_one_two_and_four_seconds():
    waits = [wait_seconds(n, free=5, base=1, cap=60) for n in range(4, 14)]
    assert waits == [0, 1, 2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (1, "1 second"),
        (2, "2 seconds"),
        (119, "119 seconds"),
        (120, "2 minutes"),
        (900, "15 minutes"),
    ],
)
def test_a_wait_is_said_in_words(seconds, said):
    assert say_wait(seconds) == said


# --- the client's address (pure) -------------------------------------------------------------

ipv4 = st.ip_addresses(v=4).map(str)
hops = st.lists(st.one_of(ipv4, st.text(max_size=20).filter(lambda t: "," not in t)), max_size=5)


@given(remote=ipv4, header=st.one_of(st.none(), st.text(max_size=80)))
def test_with_no_trusted_proxy_the_forwarded_header_is_ignored(remote, header):
    assert client_address(remote, header, 0) == remote


@given(forged=hops, client=ipv4, proxies=st.lists(ipv4, max_size=4), remote=ipv4)
def test_with_n_trusted_proxies_the_client_is_the_nth_address_from_the_right(
    forged, client, proxies, remote
):
    """Whatever the client puts in the header itself, the address the first trusted proxy saw
    is the one taken."""
    header = ", ".join([*forged, client, *proxies])
    assert client_address(remote, header, len(proxies) + 1) == str(ipaddress.ip_address(client))


@given(remote=ipv4, chain=st.lists(ipv4, min_size=1, max_size=3))
def test_a_header_shorter_than_the_proxies_falls_back_to_the_connection(remote, chain):
    assert client_address(remote, ", ".join(chain), len(chain) + 1) == remote


# --- signing in ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The throttle's clock stands still: waits pass only when a test says so."""
    from types import SimpleNamespace

    from django.utils import timezone

    frozen = timezone.now()
    monkeypatch.setattr(throttle, "timezone", SimpleNamespace(now=lambda: frozen))


@pytest.fixture
def sam(people):
    people.sam.set_password(PASSWORD)
    people.sam.save()
    return people.sam


def sign_in(name, password, *, forwarded=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post("/desk/sign-in/", {"username": name, "password": password}, **extra)


def let_time_pass(seconds: int) -> None:
    SignInFailures.objects.update(last=F("last") - timedelta(seconds=seconds))


def test_failures_from_an_attackers_address_do_not_stop_sam_signing_in_from_another(sam, settings):
    settings.TRUSTED_PROXIES = 1
    counted = 0
    while counted < 30:
        response = sign_in("sam", f"guess {counted}", forwarded=f"1.2.3.4, {ATTACKER_AT}")
        if response.status_code == 429:
            let_time_pass(int(response["Retry-After"]))
            continue
        assert response.status_code == 400
        counted += 1
    # sam, from elsewhere, waits at most a name's cap, however long the attack goes on...
    response = sign_in("sam", PASSWORD, forwarded=SAM_AT)
    if response.status_code == 429:
        waited = int(response["Retry-After"])
        assert waited <= settings.SIGN_IN_NAME_WAIT_MAX
        let_time_pass(waited)
        response = sign_in("sam", PASSWORD, forwarded=SAM_AT)
    assert response.status_code == 302
    # ...while the attacker's own address is slowed harder, and still waiting.
    response = sign_in("sam", "guess again", forwarded=ATTACKER_AT)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > settings.SIGN_IN_NAME_WAIT_MAX


def test_with_no_trusted_proxy_a_forged_forwarded_for_is_ignored(people, settings):
    settings.TRUSTED_PROXIES = 0
    for n in range(settings.SIGN_IN_ATTEMPTS):
        # A new forged address each time, for a new name each time: only the connection's
        # address is the same, and it is the one counted.
        forged = f"198.51.100.{n}"
        assert sign_in(f"name{n}", "guess", forwarded=forged).status_code == 400
    assert sign_in("andy", "guess", forwarded="192.0.2.200").status_code == 429


def test_with_a_trusted_proxy_each_forwarded_address_is_counted_on_its_own(people, settings):
    settings.TRUSTED_PROXIES = 1
    for n in range(settings.SIGN_IN_ATTEMPTS * 2):
        assert sign_in(f"name{n}", "guess", forwarded=f"198.51.100.{n}").status_code == 400


def test_the_slowed_page_says_when_to_try_again_and_how_to_get_in(sam, settings):
    for n in range(settings.SIGN_IN_ATTEMPTS):
        sign_in("sam", f"guess {n}")
    response = sign_in("sam", PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == "2"  # the address's wait: twice a name's
    page = response.content.decode()
    assert "too many failed attempts to sign in with this name or from your network" in page
    assert "Wait 2 seconds, then try again." in page
    assert "ask an admin to set a new one" in page
    assert 'value="sam"' in page
    # The password was not even checked.
    sam.refresh_from_db()
    assert sam.last_login is None


def test_the_failure_that_starts_a_wait_says_how_long(sam, settings):
    for n in range(settings.SIGN_IN_ATTEMPTS - 1):
        assert "Wait" not in sign_in("sam", f"guess {n}").content.decode()
    page = sign_in("sam", "guess").content.decode()
    assert "The name or password is wrong. Wait 2 seconds before you try again." in page


def test_trying_during_a_wait_does_not_make_it_longer(sam, settings):
    for n in range(settings.SIGN_IN_ATTEMPTS + 3):
        response = sign_in("sam", f"guess {n}")
        if response.status_code == 429:
            let_time_pass(int(response["Retry-After"]))
            sign_in("sam", f"guess {n}")
    wait = int(sign_in("sam", PASSWORD)["Retry-After"])
    for _ in range(5):
        assert sign_in("sam", PASSWORD)["Retry-After"] == str(wait)
    let_time_pass(wait)
    assert sign_in("sam", PASSWORD).status_code == 302


def test_a_right_password_starts_the_name_again(sam, settings):
    settings.TRUSTED_PROXIES = 1
    for n in range(settings.SIGN_IN_ATTEMPTS - 1):
        sign_in("sam", f"guess {n}", forwarded=f"192.0.2.{n}")
    assert sign_in("sam", PASSWORD, forwarded=SAM_AT).status_code == 302
    for n in range(settings.SIGN_IN_ATTEMPTS - 1):
        assert sign_in("sam", f"guess {n}", forwarded=f"192.0.2.{n}").status_code == 400


def test_failures_are_forgotten_after_an_hour_without_any(sam, settings):
    for n in range(settings.SIGN_IN_ATTEMPTS + 1):
        sign_in("sam", f"guess {n}")
    assert sign_in("sam", PASSWORD).status_code == 429
    let_time_pass(3601)
    assert sign_in("sam", PASSWORD).status_code == 302
    assert not SignInFailures.objects.exclude(failures=0).exists()


def test_neither_the_names_tried_nor_the_addresses_are_stored(people):
    sign_in("sam", "guess", forwarded=ATTACKER_AT)
    sign_in("my secret password", "guess")
    keys = " ".join(SignInFailures.objects.values_list("key", flat=True))
    assert SignInFailures.objects.count() == 3
    for seen in ("sam", "secret", PROXY, ATTACKER_AT):
        assert seen not in keys


def test_an_ipv6_client_is_counted_by_its_64_bit_network(people, settings):
    settings.TRUSTED_PROXIES = 1
    for n in range(settings.SIGN_IN_ATTEMPTS):
        assert sign_in(f"name{n}", "guess", forwarded=f"2001:db8:1:2::{n + 1}").status_code == 400
    assert sign_in("andy", "guess", forwarded="2001:db8:1:2:ffff::9").status_code == 429
    assert sign_in("andy", "guess", forwarded="2001:db8:1:3::1").status_code == 400


# --- the current password on the password page ----------------------------------------------


def test_the_current_password_on_the_password_page_is_slowed_the_same_way(sam, client, settings):
    client.force_login(sam)
    new = "another quite different phrase"
    for n in range(settings.SIGN_IN_ATTEMPTS):
        change = {"current": f"guess {n}", "new": new, "again": new}
        assert client.post("/desk/me/password/", change).status_code == 400
    right = {"current": PASSWORD, "new": new, "again": new}
    response = client.post("/desk/me/password/", right)
    assert response.status_code == 429
    assert "too many wrong passwords; wait 2 seconds and try again" in response.content.decode()
    sam.refresh_from_db()
    assert sam.check_password(PASSWORD)
    # The same count as signing in: the name is slowed there too.
    assert sign_in("sam", PASSWORD).status_code == 429
    let_time_pass(2)
    assert client.post("/desk/me/password/", right).status_code == 302
    sam.refresh_from_db()
    assert sam.check_password(new)


def test_settings_refuse_an_address_cap_below_a_names(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "AMENDS_HOME": str(tmp_path),
        "AMENDS_SIGN_IN_WAIT_MAX": "120",
        "AMENDS_SIGN_IN_ADDRESS_WAIT_MAX": "60",
        "DJANGO_SETTINGS_MODULE": "amends.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "AMENDS_SIGN_IN_ADDRESS_WAIT_MAX must be at least AMENDS_SIGN_IN_WAIT_MAX" in (
        result.stderr
    )
