"""API tokens: list your own (admins: anyone's), create one, revoke one."""

from typing import Annotated

from ninja import Query, Router, Status

from amends.actions import CreateToken, RevokeToken
from amends.actions.tokens import visible_tokens
from amends.api import schemas as s
from amends.api.errors import ERRORS, closed_query

router = Router(tags=["tokens"])


@router.get("/tokens", response={200: s.Tokens, **ERRORS}, summary="List tokens")
@closed_query
def index(
    request, user: Annotated[s.Text | None, Query(description="Another person (admins).")] = None
):
    """Your tokens, newest first; an admin may name another person. Secrets are never shown."""
    tokens = visible_tokens(request.auth, user=user).select_related("user")
    return {"tokens": [t.as_json() for t in tokens]}


@router.post("/tokens", response={201: s.TokenCreated, **ERRORS}, summary="Create a token")
def create(request, payload: s.TokenIn):
    """A new token for yourself, working for ``days`` days if given, else until revoked. The
    whole token is in this response only: copy it now."""
    issued = CreateToken(request.auth, name=payload.name, days=payload.days).run()
    return Status(201, {**issued.token.as_json(), "token": issued.secret})


@router.delete("/tokens/{token_id}", response={200: s.TokenOut, **ERRORS}, summary="Revoke")
def revoke(request, token_id: s.Id):
    """Revoke a token at once: yours, or anyone's if you are an admin."""
    return RevokeToken(request.auth, token=token_id).run().as_json()
