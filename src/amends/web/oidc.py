"""Signing in with the force's own identity provider (OpenID Connect: Microsoft Entra ID, or any
other), beside local passwords.

Mozilla's ``mozilla-django-oidc`` does the authorization code flow (with PKCE and a nonce), checks
the ID token's signature against the provider's published keys, and refreshes the session:
every ``AMENDS_OIDC_REFRESH_SECONDS`` a signed-in person is sent back to the provider without a
prompt, and signed in again only if the provider still vouches for them and still gives them a
role. Amends adds what that library leaves to each site:

- the provider's endpoints come from its discovery document (``AMENDS_OIDC_ISSUER`` is all a
  force configures), fetched when first needed and kept, so the desk starts while the provider
  is away;
- an ID token must be from that issuer, for this client, and unexpired;
- the role comes from the claim ``AMENDS_OIDC_ROLES_CLAIM`` (``roles``, where Entra ID puts app
  roles), mapped by ``AMENDS_OIDC_ROLE_MAP``; a person it gives no known role is not let in, and
  one whose role changed gets the new role (both recorded, through the
  :class:`~amends.actions.people.SignedInByProvider` action);
- a failed sign-in or refresh signs the person out and says why on the sign-in page.
"""

from __future__ import annotations

import logging
import threading
import time

import httpx
import jwt
from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.functional import cached_property
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.middleware import SessionRefresh
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from amends.desk.provider_roles import NoRole, role_from
from amends.errors import AmendsError

logger = logging.getLogger(__name__)

# The library's settings for the provider's endpoints, and where discovery names them.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
KEEP_SECONDS = 3600  # discovery is fetched again after this, keeping the old one on failure
PROBLEM = "amends_provider_problem"

_found: dict[str, tuple[float, dict]] = {}
_lock = threading.Lock()


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ISSUER", None))


def discovery() -> dict:
    """The provider's discovery document (``/.well-known/openid-configuration``), which must
    name the configured issuer exactly (OpenID Connect Discovery 1.0, section 4.3)."""
    issuer = settings.OIDC_ISSUER
    with _lock:
        kept = _found.get(issuer)
        if kept and time.monotonic() - kept[0] < KEEP_SECONDS:
            return kept[1]
        url = issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            answer = httpx.get(url, timeout=10, follow_redirects=False)
            answer.raise_for_status()
            document = answer.json()
        except (httpx.HTTPError, ValueError) as error:
            if kept:  # the provider is away: what it said an hour ago still holds
                logger.warning("OpenID Connect discovery failed, keeping the last: %s", error)
                return kept[1]
            raise ImproperlyConfigured(f"cannot read {url}: {error}") from None
        if document.get("issuer") != issuer or not all(
            isinstance(document.get(name), str) for name in ENDPOINTS.values()
        ):
            raise ImproperlyConfigured(
                f"{url} does not describe the issuer {issuer} with all its endpoints"
            )
        _found[issuer] = (time.monotonic(), document)
        return document


def setting(attr: str, *args):
    """The library's settings; the endpoints are read from discovery when used (see _Lazy)."""
    if attr in ENDPOINTS:
        return None
    return import_from_settings(attr, *args)


def _endpoint(attr: str):
    def read(self):
        return discovery()[ENDPOINTS[attr]]

    def ignore(self, value):  # the library assigns it in __init__; it is read when used
        pass

    return property(read, ignore)


class _Lazy:
    get_settings = staticmethod(setting)
    OIDC_OP_AUTHORIZATION_ENDPOINT = _endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_AUTH_ENDPOINT = _endpoint("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = _endpoint("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _endpoint("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _endpoint("OIDC_OP_JWKS_ENDPOINT")


class Backend(_Lazy, OIDCAuthenticationBackend):
    def retrieve_matching_jwk(self, token):
        """The provider's key for ``token``: by its ``kid``, or, for a token that names none
        (RFC 7515 makes it optional), the one signing key the provider publishes."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise SuspiciousOperation("the ID token is not a JWT") from None
        if "kid" in header:
            return super().retrieve_matching_jwk(token)
        answer = httpx.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=15, follow_redirects=False)
        answer.raise_for_status()
        keys = [
            key
            for key in answer.json().get("keys", [])
            if key.get("use", "sig") == "sig"
            and key.get("alg", header.get("alg")) == header.get("alg")
        ]
        if len(keys) != 1:
            raise SuspiciousOperation("the ID token names no key, and the provider has several")
        return jwt.PyJWK(keys[0])

    def verify_token(self, token, **kwargs):
        try:
            payload = super().verify_token(token, **kwargs)
        except jwt.InvalidTokenError as error:  # expired, not yet valid: what PyJWT checks
            raise SuspiciousOperation(f"the ID token is not valid: {error}") from None
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss") != settings.OIDC_ISSUER:
            raise SuspiciousOperation(f"the ID token is from another issuer ({payload.get('iss')})")
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("the ID token is for another client")
        expires = payload.get("exp")
        if not isinstance(expires, (int, float)) or expires < time.time() - 60:
            raise SuspiciousOperation("the ID token has expired")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims (Entra ID puts app roles there), then the userinfo
        endpoint's."""
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def _vouched(self, claims) -> tuple[str, str]:
        name = claims.get(settings.OIDC_USERNAME_CLAIM)
        if not isinstance(name, str) or not name:
            raise NoRole(
                f"the provider gave no {settings.OIDC_USERNAME_CLAIM} claim to name you by"
            )
        claim = settings.OIDC_ROLES_CLAIM
        return name, role_from(claims.get(claim), settings.OIDC_ROLE_MAP, name=claim)

    def verify_claims(self, claims) -> bool:
        try:
            self._vouched(claims)
        except NoRole as problem:
            self._say(str(problem))
            return False
        return True

    def filter_users_by_claims(self, claims):
        from django.contrib.auth.models import User

        name, _ = self._vouched(claims)
        return User.objects.filter(username__iexact=name)

    def create_user(self, claims):
        return self._signed_in(claims)

    def update_user(self, user, claims):
        return self._signed_in(claims)

    def _signed_in(self, claims):
        from amends.actions.people import SignedInByProvider

        name, role = self._vouched(claims)
        try:
            return SignedInByProvider(None, name=name, role=role, issuer=settings.OIDC_ISSUER).run()
        except AmendsError as error:
            self._say(str(error).split(": ", 1)[-1])
            raise SuspiciousOperation(str(error)) from None

    def _say(self, problem: str) -> None:
        request = getattr(self, "request", None)
        if request is not None:
            request.amends_provider_problem = problem


class Start(_Lazy, OIDCAuthenticationRequestView):
    """Send the person to the provider to sign in."""

    def __init__(self, *args, **kwargs):
        if enabled():
            super().__init__(*args, **kwargs)
        else:  # the library reads its settings here; without a provider there are none
            View.__init__(self, **kwargs)

    def get(self, request):
        if not enabled():
            raise Http404
        return super().get(request)


class Callback(OIDCAuthenticationCallbackView):
    """Where the provider sends the person back. Any failure signs them out (the library keeps a
    person signed in whose refresh failed) and the sign-in page says why."""

    get_settings = staticmethod(setting)

    def get(self, request):
        if not enabled():
            raise Http404
        return super().get(request)

    def login_failure(self):
        request = self.request
        problem = getattr(request, "amends_provider_problem", "") or (
            "the provider did not confirm who you are"
            if request.GET.get("error")
            else "the provider's answer could not be checked"
        )
        if request.user.is_authenticated:
            auth.logout(request)
        messages.error(
            request,
            f"You could not sign in with {settings.OIDC_NAME}: {problem}. Ask your Amends admin "
            "if you should have access.",
        )
        return super().login_failure()


class Refresh(_Lazy, SessionRefresh):
    """Send a person signed in through the provider back to it, without a prompt, once their
    sign-in is older than ``AMENDS_OIDC_REFRESH_SECONDS``; nothing for anyone else."""

    def __init__(self, get_response):
        if not enabled():
            MiddlewareMixin.__init__(self, get_response)
            return
        super().__init__(get_response)

    @cached_property
    def exempt_urls(self):
        """The sign-in and sign-out pages (named in the settings), not the library's own."""
        return {url if url.startswith("/") else reverse(url) for url in self.OIDC_EXEMPT_URLS}

    def process_request(self, request):
        if not enabled():
            return None
        return super().process_request(request)
