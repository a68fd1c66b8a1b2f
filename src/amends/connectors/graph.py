"""Meta's Graph API, shared by the Facebook Page and Instagram connectors: one call over the
seam with the token in the Authorization header (never in a URL), and Graph's errors read from
the body's ``error.code`` whatever the HTTP status
(https://developers.facebook.com/docs/graph-api/guides/error-handling).

Permanent, because sending again cannot cure them:

- 190 (OAuthException) and 102: the access token is invalid, expired or revoked.
- 10 and 200-299: the token lacks a permission (pages_manage_posts, instagram_basic...).
- 3: the app lacks the capability.
- 100: an invalid parameter, or (subcode 33) an object that no longer exists.
- 506: a duplicate of the Page's previous post.

Transient: 1 and 2 (Graph is unwell), 4, 17, 32 and 613 (rate limits,
https://developers.facebook.com/docs/graph-api/overview/rate-limiting), 341 and 368 (temporary
blocks), any 5xx, network failures, and any other code.
"""

from __future__ import annotations

import httpx

from amends.connectors.errors import PlatformError
from amends.connectors.http import Seam

API = "https://graph.facebook.com/v21.0"
PERMANENT = frozenset({3, 10, 100, 102, 190, 506, *range(200, 300)})
MISSING = (100, 33)  # "Object with ID ... does not exist"


class Missing(PlatformError):
    """Graph's code 100, subcode 33: the object does not exist (or cannot be seen). Permanent
    where something was to be done to it; fetch and delete read it as "gone"."""


def call(seam: Seam, settings: dict, token: str, method: str, path: str, **kwargs) -> dict:
    """One Graph request; its JSON body, or the error Graph said (raised)."""
    server = settings.get("server", API).rstrip("/")
    response = seam.request(
        method,
        f"{server}/{path}",
        ok=range(400, 600),  # Graph's reasons are in the body: read below
        headers={"Authorization": f"Bearer {token}"},
        **kwargs,
    )
    body = json_of(response)
    if response.is_success and "error" not in body:
        return body
    raise error_of(seam.platform, response, body)


def json_of(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def error_of(platform: str, response: httpx.Response, body: dict) -> PlatformError:
    error: dict = body["error"] if isinstance(body.get("error"), dict) else {}
    code, subcode = error.get("code"), error.get("error_subcode")
    said = error.get("message") or response.text.strip()[:200] or response.reason_phrase
    status = response.status_code
    message = f"{platform}: {status} {said}" + (f" (code {code})" if code is not None else "")
    if (code, subcode) == MISSING:
        return Missing(message, permanent=True, status=status)
    permanent = status < 500 and code in PERMANENT
    return PlatformError(message, permanent=permanent, status=status)
