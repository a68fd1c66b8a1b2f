"""Bearer tokens: ``Authorization: Bearer amends_<prefix>_<secret>``.

Every request looks the token up again, so a revoked or expired token, or a deactivated
person, stops working at once. No cookies are read, so the API needs no CSRF protection.
"""

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import HttpBearer

from amends.actions import Forbidden
from amends.api.errors import NotAuthenticated
from amends.api.models import ApiToken
from amends.desk.models import ROLES
from amends.desk.roles import roles_of


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> User:
        value = request.headers.get("Authorization", "")
        scheme, _, token = value.partition(" ")
        if not value:
            raise NotAuthenticated("authorization: send the header Authorization: Bearer <token>")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("authorization: must be Bearer <token>")
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        found = ApiToken.find(token)
        if found is None:
            raise NotAuthenticated(
                "authorization: this token is not known; check it was copied whole"
            )
        if found.is_revoked:
            raise NotAuthenticated(
                f"authorization: this token was revoked on {found.revoked_at:%Y-%m-%d %H:%M} UTC"
            )
        if found.is_expired:
            raise NotAuthenticated(
                f"authorization: this token expired on {found.expires_at:%Y-%m-%d %H:%M} UTC; "
                "create a new one"
            )
        if not found.user.is_active:
            raise NotAuthenticated("authorization: this token's user can no longer sign in")
        found.used()
        return found.user


def staff(user: User, verb: str) -> None:
    """Reading the desk is for people with a role, as in the browser."""
    if not roles_of(user) & set(ROLES):
        raise Forbidden(
            f"as: only {' or '.join(ROLES)} may {verb}; {user.username} may not", field="as"
        )
