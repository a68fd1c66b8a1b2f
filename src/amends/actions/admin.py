"""Users and accounts."""

import re

from django.contrib.auth.models import Group, User
from django.utils.translation import gettext

from amends import platforms
from amends.actions.base import Action
from amends.actions.people import check_password, subject_of
from amends.connectors import CONNECTORS, guard
from amends.connectors.credentials import lock
from amends.desk.models import ROLES, Account
from amends.desk.names import check_user_name
from amends.errors import BadInput, Refused
from amends.record import api as record


def check_fields(connector, settings: dict, secrets: dict) -> None:
    """Every field the platform needs is given, and nothing it does not know."""
    known = {f.name: f for f in connector.fields}
    for name, value in {**settings, **secrets}.items():
        if name not in known:
            allowed = ", ".join(known) or "none"
            raise BadInput(
                f"{name}: {connector.label} accounts take no {name} (they take: {allowed})",
                field=name,
            )
        if not isinstance(value, str) or not value.strip() or len(value) > 2000:
            raise BadInput(f"{name}: must be 1 to 2,000 characters", field=name)
        if known[name].secret != (name in secrets):
            raise BadInput(f"{name}: is stored {'' if known[name].secret else 'un'}encrypted")
    for field in connector.fields:
        if field.required and field.name not in settings and field.name not in secrets:
            raise BadInput(f"{field.name}: {connector.label} needs {field.help}", field=field.name)
    server = settings.get("server")
    if server is not None and not re.match(r"^https?://[^\s/]+", server):
        raise BadInput(
            "server: must be a URL starting with https:// or http://",
            field="server",
            said=gettext("Enter the server's address, starting with https:// or http://"),
        )
    refused = guard.server_refusal(server) if server is not None else None
    if refused:
        raise BadInput(f"server: {refused}", field="server")


class AddUser(Action):
    """Add a person with a role. From the command line it runs as the operator of the server."""

    roles = ("admin",)
    verb = "add users"

    def __init__(
        self, actor, *, name: str, role: str, password: str | None = None, as_operator: bool = False
    ):
        super().__init__(actor)
        self.name, self.role, self.password, self.as_operator = name, role, password, as_operator

    def validate(self):
        check_user_name(self.name)
        if self.role not in ROLES:
            raise BadInput(f"role: must be {'|'.join(ROLES)} (got {self.role!r})", field="role")
        if self.password is not None:
            check_password(self.password, User(username=self.name))

    def authorize(self):
        if not self.as_operator:
            super().authorize()

    def apply(self) -> User:
        same = User.objects.filter(username__iexact=self.name).first()
        if same is not None:
            also = "" if same.username == self.name else " (names may not differ only in capitals)"
            raise Refused(f"name: there is already a user {same.username}{also}", field="name")
        user = User.objects.create_user(self.name, password=self.password)
        if self.password is None:
            user.set_unusable_password()
            user.save()
        group, _ = Group.objects.get_or_create(name=self.role)
        user.groups.add(group)
        record.append(
            "user.added",
            {"user": user.username, "role": self.role},
            actor=self.actor_name,
            subject=subject_of(user),
        )
        return user


class AddAccount(Action):
    """Add an account. ``settings`` and ``secrets`` are what its connector's fields ask for
    (a server URL, a user name; a password or token, stored encrypted)."""

    roles = ("admin",)
    verb = "add accounts"

    def __init__(
        self,
        actor,
        *,
        key: str,
        name: str = "",
        settings: dict | None = None,
        secrets: dict | None = None,
        as_operator: bool = False,
    ):
        super().__init__(actor)
        self.key, self.name, self.as_operator = key, name, as_operator
        self.settings, self.secrets = settings or {}, secrets or {}

    def validate(self):
        if not isinstance(self.key, str) or ":" not in self.key:
            raise BadInput(
                "account: must be PLATFORM:HANDLE, for example house:news", field="account"
            )
        platform, handle = self.key.split(":", 1)
        if platform not in platforms.names():
            allowed = ", ".join(platforms.names())
            raise BadInput(
                f"account: unknown platform {platform!r}; allowed: {allowed}", field="account"
            )
        if not handle or not re.fullmatch(r"[\w.@-]{1,200}", handle):
            raise BadInput(
                "account: the handle must be letters, digits and . @ - _", field="account"
            )
        if not isinstance(self.name, str) or len(self.name) > 200:
            raise BadInput("name: must be at most 200 characters", field="name")
        check_fields(CONNECTORS[platform], self.settings, self.secrets)

    def authorize(self):
        if not self.as_operator:
            super().authorize()

    def apply(self) -> Account:
        platform, handle = self.key.split(":", 1)
        if Account.objects.filter(platform=platform, handle=handle).exists():
            raise Refused(f"account: {self.key} exists already", field="account")
        account = Account.objects.create(
            platform=platform,
            handle=handle,
            name=self.name,
            settings=self.settings,
            secrets=lock(self.secrets) if self.secrets else None,
        )
        record.append(
            "account.added",
            # Settings are not secret (a server URL); credentials never enter the record.
            {"account": str(account), "name": self.name, "settings": self.settings},
            actor=self.actor_name,
            subject=f"account:{account}",
        )
        return account
