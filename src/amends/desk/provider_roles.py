"""Roles from the identity provider's claim: pure.

Microsoft Entra ID puts a person's app roles in the ID token's ``roles`` claim, a list of the
values the force defined (``Amends.Supervisor``); other providers send a string or a list under
another name. The force maps those values to Amends' roles; a person the claim gives several
mapped roles gets the one that can do most (admin, then supervisor, auditor, author).
"""

from collections.abc import Mapping

PRECEDENCE = ("admin", "supervisor", "auditor", "author")


class NoRole(ValueError):
    """The claim names no role Amends knows; the message says what it gave, in one line."""


def parse_map(text: str) -> dict[str, str]:
    """``Amends.Author=author,Amends.Supervisor=supervisor`` as a mapping; ValueError naming the
    first entry that is not ``VALUE=ROLE`` with a role Amends has."""
    mapping: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        value, equals, role = (s.strip() for s in item.partition("="))
        if not equals or not value or role not in PRECEDENCE:
            raise ValueError(f"{item!r} is not VALUE=ROLE with ROLE one of {'|'.join(PRECEDENCE)}")
        mapping[value] = role
    return mapping


def role_from(claim: object, mapping: Mapping[str, str], *, name: str = "roles") -> str:
    """The Amends role for the claim's value (a string, or a list of strings)."""
    values = [claim] if isinstance(claim, str) else claim if isinstance(claim, list) else []
    given = [v for v in values if isinstance(v, str)]
    roles = {mapping[v] for v in given if v in mapping}
    for role in PRECEDENCE:
        if role in roles:
            return role
    said = ", ".join(given[:5]) if given else "nothing"
    raise NoRole(f"the {name} claim names no role Amends knows (it gives {said})")


def library_settings(
    *,
    issuer: str,
    client_id: str,
    client_secret: str,
    role_map: Mapping[str, str],
    roles_claim: str = "roles",
    username_claim: str = "preferred_username",
    name: str = "your organisation's account",
    refresh_seconds: int = 900,
    sign_algo: str = "RS256",
) -> dict:
    """The Django settings that turn on signing in with the provider (``amends.web.oidc`` and
    the ``mozilla-django-oidc`` settings it rests on), from what a force configures."""
    return {
        "OIDC_ISSUER": issuer,
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": client_secret,
        "OIDC_RP_SIGN_ALGO": sign_algo,
        "OIDC_ROLES_CLAIM": roles_claim,
        "OIDC_USERNAME_CLAIM": username_claim,
        "OIDC_ROLE_MAP": dict(role_map),
        "OIDC_NAME": name,
        "OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS": refresh_seconds,
        "OIDC_RP_SCOPES": "openid profile email",
        "OIDC_USE_PKCE": True,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "desk:oidc-callback",
        "LOGIN_REDIRECT_URL_FAILURE": "/desk/sign-in/",
        "OIDC_EXEMPT_URLS": [
            "desk:sign-in",
            "desk:sign-out",
            "desk:oidc-start",
            "desk:oidc-callback",
        ],
        "OIDC_TIMEOUT": 15,
    }
