"""API tokens: each person creates their own; the owner or an admin revokes one.

The whole token string is returned once by :class:`CreateToken` and never stored (only a hash of
its secret is), nor recorded: the record holds who made or revoked which token, by number and
name. A revoked or expired token stops working on the next request. A new password (changed by
its owner or set by an admin) revokes all of its owner's tokens.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils.translation import gettext

from amends.actions.base import Action, Forbidden
from amends.actions.people import subject_of
from amends.api.models import ApiToken
from amends.clock import now
from amends.desk.lookups import get
from amends.desk.models import ROLES
from amends.desk.roles import roles_of
from amends.errors import BadInput, NotFound, Refused
from amends.record import api as record

MAX_NAME = 100
MAX_DAYS = 3650


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str  # the whole token string, shown once


class CreateToken(Action):
    """A new token for the person acting, to use the REST API as themselves."""

    roles = ROLES
    verb = "create API tokens"

    def __init__(self, actor, *, name: str = "", days: int | None = None):
        super().__init__(actor)
        self.name, self.days = name, days

    def validate(self):
        if self.days is not None and (
            isinstance(self.days, bool)
            or not isinstance(self.days, int)
            or not 1 <= self.days <= MAX_DAYS
        ):
            raise BadInput(
                f"days: must be a whole number of days from 1 to {MAX_DAYS} (got {self.days!r})",
                field="days",
                said=gettext("Enter how many days the token lasts, from 1 to %(most)s")
                % {"most": MAX_DAYS},
            )
        if not isinstance(self.name, str) or len(self.name) > MAX_NAME:
            raise BadInput(
                f"name: must be text of at most {MAX_NAME} characters",
                field="name",
                said=gettext("The token's name must be %(most)s characters or fewer")
                % {"most": MAX_NAME},
            )
        if any(ord(c) < 32 for c in self.name):
            raise BadInput(
                "name: must be one line without control characters",
                field="name",
                said=gettext("The token's name must be one line of plain text"),
            )

    def apply(self) -> Issued:
        expires_at = None if self.days is None else now() + timedelta(days=self.days)
        token, secret = ApiToken.issue(self.actor, self.name.strip(), expires_at=expires_at)
        record.append(
            "token.created",
            {
                "token": token.pk,
                "user": self.actor.username,
                "name": token.name,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
            actor=self.actor_name,
            subject=subject_of(self.actor),
        )
        return Issued(token, secret)


class RevokeToken(Action):
    """Revoke a token at once. Anyone may revoke their own (even after losing their role);
    an admin may revoke anyone's."""

    verb = "revoke API tokens"

    def __init__(self, actor, *, token):
        super().__init__(actor)
        self.token_id = token

    def authorize(self):
        super().authorize()
        self.token = get(ApiToken, self.token_id, "token")
        if self.token.user_id != self.actor.pk and "admin" not in roles_of(self.actor):
            raise Forbidden(
                f"as: only its owner or an admin may revoke token {self.token.pk}; "
                f"{self.actor.username} may not",
                field="as",
            )
        if self.token.is_revoked:
            raise Refused(
                f"token: token {self.token.pk} was already revoked",
                field="token",
                said=gettext("That token was already revoked."),
            )

    def apply(self) -> ApiToken:
        self.token.revoked_at = now()
        self.token.save(update_fields=["revoked_at"])
        owner = self.token.user
        record.append(
            "token.revoked",
            {"token": self.token.pk, "user": owner.username, "name": self.token.name},
            actor=self.actor_name,
            subject=subject_of(owner),
        )
        return self.token


def revoke_all(user: User, *, actor: str | None, reason: str) -> int:
    """Revoke every token of ``user`` that still works, each recorded; return how many.

    Runs inside the caller's transaction (a password change or reset)."""
    tokens = [
        token
        for token in ApiToken.objects.select_for_update().filter(user=user, revoked_at=None)
        if token.is_active
    ]
    for token in tokens:
        token.revoked_at = now()
        token.save(update_fields=["revoked_at"])
        record.append(
            "token.revoked",
            {"token": token.pk, "user": user.username, "name": token.name, "reason": reason},
            actor=actor,
            subject=subject_of(user),
        )
    return len(tokens)


def visible_tokens(actor: User | None, *, user: str | None = None):
    """The tokens ``actor`` may list: their own, or, for an admin, anyone's (``user``)."""
    if actor is None or not actor.is_active:
        raise Forbidden("as: a signed-in user is needed to list API tokens", field="as")
    if user is None or user == actor.username:
        return ApiToken.objects.filter(user=actor)
    if "admin" not in roles_of(actor):
        raise Forbidden(
            f"as: only admin may list other people's tokens; {actor.username} may not", field="as"
        )
    owner = User.objects.filter(username=user).first()
    if owner is None:
        raise NotFound(f"user: there is no user {user!r}", field="user")
    return ApiToken.objects.filter(user=owner)
