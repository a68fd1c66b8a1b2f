"""People and accounts (admins)."""

from ninja import Router, Status

from amends.actions import AddAccount, AddUser
from amends.api import schemas as s
from amends.api.errors import ERRORS

router = Router(tags=["people and accounts"])


@router.post("/users", response={201: s.UserOut, **ERRORS}, summary="Add a person")
def add_user(request, payload: s.UserIn):
    """Add a person with a role (admins). Without a password they cannot sign in to the desk
    until one is set."""
    AddUser(request.auth, name=payload.name, role=payload.role, password=payload.password).run()
    return Status(201, {"user": payload.name, "role": payload.role})


@router.post("/accounts", response={201: s.AccountOut, **ERRORS}, summary="Add an account")
def add_account(request, payload: s.AccountIn):
    """Add an account to post to, for example house:news (admins)."""
    settings = {"server": payload.server, "user": payload.user, "page": payload.page}
    secrets = {"password": payload.password, "token": payload.token}
    added = AddAccount(
        request.auth,
        key=payload.account,
        name=payload.name,
        settings={k: v for k, v in settings.items() if v is not None},
        secrets={k: v for k, v in secrets.items() if v is not None},
    ).run()
    return Status(201, {"account": str(added)})
