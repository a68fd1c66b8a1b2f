"""Users and accounts."""

import re

from django.contrib.auth.models import Group, User

from amends import platforms
from amends.desk.actions.base import Action
from amends.desk.actions.people import check_password, subject_of
from amends.desk.models import ROLES, Account
from amends.errors import BadInput, Refused
from amends.record import api as record

NAME = re.compile(r"^[\w.@+-]{1,150}$")


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
        if not isinstance(self.name, str) or not NAME.match(self.name):
            raise BadInput("name: 1 to 150 letters, digits and . @ + - _ (no spaces)", field="name")
        if self.role not in ROLES:
            raise BadInput(f"role: must be {'|'.join(ROLES)} (got {self.role!r})", field="role")
        if self.password is not None:
            check_password(self.password, User(username=self.name))

    def authorize(self):
        if not self.as_operator:
            super().authorize()

    def apply(self) -> User:
        if User.objects.filter(username=self.name).exists():
            raise Refused(f"name: there is already a user {self.name}", field="name")
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
    roles = ("admin",)
    verb = "add accounts"

    def __init__(self, actor, *, key: str, name: str = "", as_operator: bool = False):
        super().__init__(actor)
        self.key, self.name, self.as_operator = key, name, as_operator

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
        if not handle or not re.match(r"^[\w.@-]{1,200}$", handle):
            raise BadInput(
                "account: the handle must be letters, digits and . @ - _", field="account"
            )
        if not isinstance(self.name, str) or len(self.name) > 200:
            raise BadInput("name: must be at most 200 characters", field="name")

    def authorize(self):
        if not self.as_operator:
            super().authorize()

    def apply(self) -> Account:
        platform, handle = self.key.split(":", 1)
        if Account.objects.filter(platform=platform, handle=handle).exists():
            raise Refused(f"account: {self.key} exists already", field="account")
        account = Account.objects.create(platform=platform, handle=handle, name=self.name)
        record.append(
            "account.added",
            {"account": str(account), "name": self.name},
            actor=self.actor_name,
            subject=f"account:{account}",
        )
        return account
