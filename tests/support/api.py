"""Calling the REST API in tests, as a persona holding a token or as an anonymous visitor."""

import json

from django.test import Client


def token_for(user, name: str = "tests") -> str:
    """A working token for ``user``, made directly (so that even a person without a role, who
    may not create one, can hold one in a test)."""
    from amends.api.models import ApiToken

    return ApiToken.issue(user, name)[1]


class Api:
    def __init__(self, token: str | None = None, *, client: Client | None = None):
        self.token = token
        self.client = client or Client()

    def call(self, method: str, path: str, body: object = None, *, raw: bytes | None = None):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        kwargs = {}
        if raw is not None:
            kwargs = {"data": raw, "content_type": "application/json"}
        elif body is not None:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        return self.client.generic(method, path, headers=headers, **kwargs)

    def get(self, path: str, **params):
        if params:
            from urllib.parse import urlencode

            path = f"{path}?{urlencode(params)}"
        return self.call("GET", path)

    def post(self, path: str, body: object = None):
        return self.call("POST", path, body)

    def delete(self, path: str):
        return self.call("DELETE", path)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.content)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def error(response, status: int) -> dict:
    """The error body, checked to have exactly the one error shape."""
    assert response.status_code == status, (response.status_code, response.content)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == {"field", "message"}, body
    return body
