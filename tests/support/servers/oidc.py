"""A real OpenID Connect provider on loopback: ``oidc-provider-mock`` (PyPI) in a process of its
own, a Flask server built on Authlib that does the authorization code flow, signs ID tokens
(RS256) with a key it publishes at its JWKS endpoint, and answers userinfo with the claims a test
sets for each person. Its authorization page is a form where a person names who they are, as a
provider's sign-in page would let them prove it."""

from __future__ import annotations

import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.support.net import free_port


class Provider:
    def __init__(self):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "oidc_provider_mock", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.issuer}/.well-known/openid-configuration").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError("the OpenID Connect provider did not start")
            time.sleep(0.1)

    def set_claims(self, sub: str, claims: dict) -> None:
        """What the provider says of ``sub`` from now on (in the ID token and userinfo)."""
        answer = httpx.put(f"{self.issuer}/users/{sub}", json=claims)
        assert answer.status_code == 204, answer.text

    def sign_in(self, authorize_url: str, sub: str) -> str:
        """``sub`` signs in on the provider's page at ``authorize_url``; where the provider then
        sends the browser (the client's callback, with a code or an error)."""
        assert authorize_url.startswith(self.issuer), authorize_url
        answer = httpx.post(authorize_url, data={"sub": sub})
        assert answer.status_code in (302, 303), answer.text[:500]
        return answer.headers["location"]

    def id_token(self, sub: str, client_id: str = "amends") -> str:
        """An ID token for ``sub``, obtained as any client of this provider would."""
        redirect = "http://127.0.0.1/callback"
        query = {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect,
            "scope": "openid profile",
            "state": "s",
            "nonce": "n",
        }
        url = str(httpx.URL(f"{self.issuer}/oauth2/authorize", params=query))
        code = parse_qs(urlsplit(self.sign_in(url, sub)).query)["code"][0]
        token = httpx.post(
            f"{self.issuer}/oauth2/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect},
            auth=(client_id, "secret"),
        )
        return token.json()["id_token"]

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
