"""Signing in to the desk: passwords, throttling, the second factor and the browser's defences."""

import json
import re
import subprocess
import sys
from base64 import b32encode
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp

from amends.desk.models import AuthenticatorApp
from amends.record import api as record
from amends.web.views.auth import PENDING

PASSWORD = "a long and unusual passphrase"
NEW_PASSWORD = "another quite different phrase"


@pytest.fixture
def alice(people):
    people.alice.set_password(PASSWORD)
    people.alice.save()
    return people.alice


@pytest.fixture
def device(alice):
    """alice's authenticator app, set up and confirmed."""
    return AuthenticatorApp.start(alice, confirmed=True)


def sign_in(client, name="alice", password=PASSWORD, **extra):
    return client.post("/desk/sign-in/", {"username": name, "password": password, **extra})


def signed_in(client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def code_for(device, steps_ahead: int = 0) -> str:
    """The code the app shows now, or ``steps_ahead`` 30-second steps from now."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, steps_ahead)
    return f"{value:0{device.digits}d}"


def wrong_code_for(device) -> str:
    accepted = {code_for(device, n) for n in (-1, 0, 1, 2)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in accepted)


def let_time_pass(device) -> None:
    """As if the wait that django-otp asks for after wrong codes were over."""
    past = timezone.now() - timedelta(hours=1)
    AuthenticatorApp.objects.filter(pk=device.pk).update(throttling_failure_timestamp=past)


def kinds() -> list[str]:
    return [e.kind for e in record.entries(0, 10_000)]


# --- passwords and sign-in -------------------------------------------------------------------


def test_the_right_password_signs_in_and_goes_to_today(alice, client):
    response = sign_in(client)
    assert response.status_code == 302
    assert response["Location"] == "/desk/"
    assert signed_in(client) == alice.pk
    alice.refresh_from_db()
    assert alice.last_login is not None


def test_passwords_are_stored_with_argon2(alice):
    assert alice.password.startswith("argon2$argon2id$")
    assert PASSWORD not in alice.password


@pytest.mark.parametrize(
    ("name", "password"),
    [("alice", "not her password"), ("nobody", PASSWORD), ("", "")],
)
def test_a_failed_sign_in_says_only_that_the_name_or_password_is_wrong(
    alice, client, name, password
):
    response = sign_in(client, name, password)
    assert response.status_code == 400
    assert "The name or password is wrong." in response.content.decode()
    assert signed_in(client) is None


def test_a_deactivated_person_cannot_sign_in_even_with_the_right_password(alice, client):
    alice.is_active = False
    alice.save()
    response = sign_in(client)
    assert response.status_code == 400
    assert "The name or password is wrong." in response.content.decode()
    assert signed_in(client) is None


@pytest.mark.parametrize(
    ("next_url", "goes_to"),
    [
        ("/desk/people/", "/desk/people/"),
        ("https://evil.example/", "/desk/"),
        ("//evil.example/desk/", "/desk/"),
        ("https://evil.example/desk/", "/desk/"),
        ("/api/v1/", "/desk/"),
        ("javascript:alert(1)", "/desk/"),
    ],
)
def test_next_is_followed_only_to_a_desk_page_here(alice, client, next_url, goes_to):
    response = sign_in(client, next=next_url)
    assert response.status_code == 302
    assert response["Location"] == goes_to


def test_a_desk_page_sends_an_anonymous_visitor_to_sign_in_and_back(alice, client):
    response = client.get("/desk/me/")
    assert response.status_code == 302
    assert response["Location"] == "/desk/sign-in/?next=/desk/me/"
    page = client.get(response["Location"]).content.decode()
    assert 'name="next" value="/desk/me/"' in page
    assert sign_in(client, next="/desk/me/")["Location"] == "/desk/me/"


def test_the_sign_in_page_labels_its_fields(client, db):
    page = client.get("/desk/sign-in/").content.decode()
    assert '<label for="sign-in-username">Name</label>' in page
    assert '<label for="sign-in-password">Password</label>' in page
    assert 'autocomplete="current-password"' in page
    assert "<h1>" in page


def test_signing_out_needs_a_post_and_ends_the_session(alice, client):
    sign_in(client)
    assert client.get("/desk/sign-out/").status_code == 405
    assert signed_in(client) == alice.pk
    response = client.post("/desk/sign-out/", follow=True)
    assert response.redirect_chain == [("/desk/sign-in/", 302)]
    assert "You have signed out." in response.content.decode()
    assert signed_in(client) is None
    assert client.get("/desk/me/").status_code == 302


# --- CSRF, headers and cookies ---------------------------------------------------------------


def test_signing_in_without_a_csrf_token_is_refused(alice):
    browser = Client(enforce_csrf_checks=True)
    response = sign_in(browser)
    assert response.status_code == 403
    assert "did not come from the desk" in response.content.decode()
    assert signed_in(browser) is None
    # The same request with the token from the page goes through.
    browser.get("/desk/sign-in/")
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    assert sign_in(browser, csrfmiddlewaretoken=token).status_code == 302


def test_a_signed_in_form_without_a_csrf_token_is_refused(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    change = {"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD}
    assert browser.post("/desk/me/password/", change).status_code == 403
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    browser.get("/desk/me/")
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    response = browser.post("/desk/me/password/", {**change, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


@pytest.mark.parametrize("url", ["/desk/sign-in/", "/desk/me/", "/desk/people/"])
def test_desk_pages_send_a_strict_content_security_policy_and_security_headers(people, client, url):
    if url != "/desk/sign-in/":
        client.force_login(people.adam)
    response = client.get(url)
    assert response.status_code == 200
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


INLINE = re.compile(r"\sstyle=|<script(?![^>]*\ssrc=)|\son[a-z]+=|javascript:", re.IGNORECASE)


def test_no_sign_in_or_settings_page_has_anything_inline(alice, device, people, client):
    """The policy forbids inline scripts, styles and handlers: the pages must not need any."""
    pages = [client.get("/desk/sign-in/")]
    sign_in(client)
    pages.append(client.get("/desk/sign-in/code/"))
    pages.append(client.post("/desk/sign-in/code/", {"code": "12"}))
    other = Client()
    other.force_login(people.andy)
    pages.append(other.get("/desk/me/"))
    other.post("/desk/me/second-factor/")
    pages.append(other.get("/desk/me/second-factor/"))
    pages.append(other.post("/desk/me/password/", {"current": "x", "new": "y", "again": "z"}))
    for n in range(settings.SIGN_IN_ATTEMPTS + 1):
        pages.append(sign_in(Client(), "sam", f"guess {n}"))
    assert [p.status_code for p in pages][:3] == [200, 200, 400]
    assert pages[-1].status_code == 429
    for page in pages:
        html = page.content.decode()
        assert html.startswith("<!doctype html>")
        assert not INLINE.search(html), INLINE.search(html).group(0)


def test_cookies_are_secure_when_the_site_is_served_over_https(fresh_database):
    """Settings are read once per process, so a new process is started with an https site.

    It signs in with the real middleware and reports the cookies and headers it got back.
    """
    script = """
import json
import django
django.setup()
from django.contrib.auth.models import User
from django.test import Client
User.objects.create_user("alice", password="a long and unusual passphrase")
browser = Client()
plain = browser.get("/desk/sign-in/")
browser.get("/desk/sign-in/", secure=True)
signed = browser.post(
    "/desk/sign-in/",
    {"username": "alice", "password": "a long and unusual passphrase"},
    secure=True,
)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "signed": signed.status_code,
    "hsts": signed.get("Strict-Transport-Security"),
    "cookies": {
        name: {"secure": bool(m["secure"]), "httponly": bool(m["httponly"]),
               "samesite": m["samesite"]}
        for name, m in browser.cookies.items()
    },
}))
"""
    env = {
        **fresh_database,
        "DJANGO_SETTINGS_MODULE": "amends.settings",
        "AMENDS_SITE_URL": "https://news.example.org",
        "AMENDS_ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["plain"] == [301, "https://testserver/desk/sign-in/"]
    assert seen["signed"] == 302
    assert seen["hsts"] == "max-age=31536000"
    assert seen["cookies"]["sessionid"] == {"secure": True, "httponly": True, "samesite": "Lax"}
    assert seen["cookies"]["csrftoken"]["secure"] is True


def test_cookies_are_not_marked_secure_on_a_plain_http_site(alice, client):
    """A laptop on http://127.0.0.1 must still be able to sign in (a Secure cookie would not
    come back over plain HTTP)."""
    sign_in(client)
    assert not settings.SESSION_COOKIE_SECURE
    assert client.cookies["sessionid"]["secure"] == ""
    assert client.cookies["sessionid"]["httponly"] is True


# --- the second factor -----------------------------------------------------------------------


def test_a_second_factor_from_enrolment_to_sign_in(alice, client):
    sign_in(client)
    response = client.post("/desk/me/second-factor/")
    assert response["Location"] == "/desk/me/second-factor/"
    page = client.get("/desk/me/second-factor/")
    assert page["Cache-Control"] == "private, no-store"
    html = page.content.decode()
    assert '<svg width="' in html
    assert "<title>QR code for your authenticator app</title>" in html
    device = AuthenticatorApp.objects.get(user=alice)
    assert device.confirmed is False
    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in html

    # A wrong code does not turn it on; the right one does.
    wrong = client.post("/desk/me/second-factor/confirm/", {"code": wrong_code_for(device)})
    assert wrong.status_code == 400
    assert 'id="confirm-code-error"' in wrong.content.decode()
    let_time_pass(device)
    response = client.post("/desk/me/second-factor/confirm/", {"code": code_for(device)})
    assert response["Location"] == "/desk/me/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert "user.second_factor_added" in kinds()
    assert "On since" in client.get("/desk/me/").content.decode()

    # Now the password alone does not sign in.
    client.post("/desk/sign-out/")
    response = sign_in(client, next="/desk/me/")
    assert response["Location"] == "/desk/sign-in/code/"
    assert signed_in(client) is None
    assert client.get("/desk/me/").status_code == 302

    # A wrong code is refused and counted: even the right code must wait a moment.
    wrong = client.post("/desk/sign-in/code/", {"code": wrong_code_for(device)})
    assert wrong.status_code == 400
    assert "that code is wrong" in wrong.content.decode()
    hurried = client.post("/desk/sign-in/code/", {"code": code_for(device, 1)})
    assert hurried.status_code == 429
    assert "1 wrong tries in a row; wait" in hurried.content.decode()
    assert signed_in(client) is None

    let_time_pass(device)
    response = client.post("/desk/sign-in/code/", {"code": code_for(device, 1)})
    assert response["Location"] == "/desk/me/"
    assert signed_in(client) == alice.pk
    assert client.session["otp_device_id"] == device.persistent_id
    assert PENDING not in client.session


def test_a_code_cannot_be_used_twice(alice, device, client):
    code = code_for(device, 1)
    sign_in(client)
    assert client.post("/desk/sign-in/code/", {"code": code}).status_code == 302
    other = Client()
    sign_in(other)
    assert other.post("/desk/sign-in/code/", {"code": code}).status_code == 400
    assert signed_in(other) is None


def test_a_pending_sign_in_expires_after_five_minutes(alice, device, client):
    sign_in(client)
    session = client.session
    pending = session[PENDING]
    pending["at"] -= 5 * 60 + 1
    session[PENDING] = pending
    session.save()
    response = client.post("/desk/sign-in/code/", {"code": code_for(device, 1)}, follow=True)
    assert response.redirect_chain == [("/desk/sign-in/", 302)]
    assert "took longer than 5 minutes" in response.content.decode()
    assert signed_in(client) is None
    device.refresh_from_db()
    assert device.last_t == -1  # the code was never even checked


def test_the_code_page_without_a_password_first_goes_back_to_sign_in(alice, device, client):
    response = client.post("/desk/sign-in/code/", {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == "/desk/sign-in/"
    assert signed_in(client) is None


def test_the_second_factor_is_turned_off_with_a_code_or_the_password(alice, device, client):
    client.force_login(alice)
    response = client.post("/desk/me/second-factor/remove/", {"password": "not mine"})
    assert response.status_code == 400
    assert 'id="remove-password-error"' in response.content.decode()
    assert AuthenticatorApp.objects.filter(user=alice).exists()
    # The wrong password counted: trying again at once must wait.
    assert client.post("/desk/me/second-factor/remove/", {"password": PASSWORD}).status_code == 429
    let_time_pass(device)
    response = client.post("/desk/me/second-factor/remove/", {"password": PASSWORD})
    assert response["Location"] == "/desk/me/"
    assert not AuthenticatorApp.objects.filter(user=alice).exists()
    assert kinds()[-1] == "user.second_factor_removed"
    # Off now: the password alone signs in again.
    client.post("/desk/sign-out/")
    assert sign_in(client)["Location"] == "/desk/"


def test_turning_off_with_a_code(alice, device, client):
    client.force_login(alice)
    assert client.post("/desk/me/second-factor/remove/", {}).status_code == 400
    response = client.post("/desk/me/second-factor/remove/", {"code": code_for(device)})
    assert response.status_code == 302
    assert not AuthenticatorApp.objects.filter(user=alice).exists()


def test_setting_up_again_while_it_is_on_is_refused(alice, device, client):
    client.force_login(alice)
    response = client.post("/desk/me/second-factor/")
    assert response.status_code == 409
    assert "turn it off first" in response.content.decode()
    assert AuthenticatorApp.objects.filter(user=alice).count() == 1


# --- one's own password ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"current": "wrong", "new": NEW_PASSWORD, "again": NEW_PASSWORD}, "current", "not your"),
        ({"current": PASSWORD, "new": NEW_PASSWORD, "again": "other"}, "again", "not the same"),
        ({"current": PASSWORD, "new": "short", "again": "short"}, "new", "too short"),
        ({"current": PASSWORD, "new": "password1234", "again": "password1234"}, "new", "common"),
        ({"current": PASSWORD, "new": "1234567890123", "again": "1234567890123"}, "new", "numeric"),
    ],
)
def test_a_bad_password_change_is_shown_beside_its_field(alice, client, change, field, message):
    client.force_login(alice)
    response = client.post("/desk/me/password/", change)
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(rf'<p class="error" id="password-{field}-error">(.*?)</p>', html).group(1)
    assert message in error
    assert f'id="password-{field}"' in html
    assert 'aria-invalid="true"' in html
    assert f"password-{field}-error" in re.search(rf'id="password-{field}"[^>]*>', html).group(0)
    assert html.count('aria-invalid="true"') == 1
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_changing_ones_password_keeps_this_session_and_ends_the_others(alice, client):
    sign_in(client)
    elsewhere = Client()
    sign_in(elsewhere)
    change = {"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD}
    response = client.post("/desk/me/password/", change)
    assert response["Location"] == "/desk/me/"
    assert client.get("/desk/me/").status_code == 200
    assert elsewhere.get("/desk/me/").status_code == 302
    alice.refresh_from_db()
    assert alice.password.startswith("argon2$")
    assert alice.check_password(NEW_PASSWORD)
    assert kinds()[-1] == "user.password_set"


# --- who may use the settings pages ----------------------------------------------------------

SETTINGS_PAGES = [
    ("get", "/desk/me/", {}, 200),
    (
        "post",
        "/desk/me/password/",
        {"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD},
        302,
    ),
    ("post", "/desk/me/second-factor/", {}, 302),
    ("get", "/desk/me/second-factor/", {}, 302),
    ("post", "/desk/me/second-factor/confirm/", {"code": "000000"}, 404),
    ("post", "/desk/me/second-factor/remove/", {"password": PASSWORD}, 404),
]


@pytest.mark.parametrize(("method", "url", "data", "staff_status"), SETTINGS_PAGES)
@pytest.mark.parametrize("persona", [None, "alice", "sam", "fiona", "adam", "olly"])
def test_settings_pages_are_for_signed_in_staff(
    people, client, persona, method, url, data, staff_status
):
    if persona:
        user = getattr(people, persona)
        user.set_password(PASSWORD)
        user.save()
        client.force_login(user)
    response = getattr(client, method)(url, data)
    if persona is None:
        assert response.status_code == 302
        assert response["Location"] == f"/desk/sign-in/?next={url}"
    elif persona == "olly":
        assert response.status_code == 403
        assert "This page is for" in response.content.decode()
    else:
        assert response.status_code == staff_status
    changed = User.objects.get(username=persona or "alice").check_password(NEW_PASSWORD)
    assert changed == (persona not in (None, "olly") and url == "/desk/me/password/")
