"""People: roles, access, passwords and the optional second factor (TOTP).

Admins set roles, deactivate and reactivate people and set passwords; everyone manages their own
password and second factor. Each change is recorded, so that who could do what, and since when,
can be shown later. Passwords and secrets never go into the record.
"""

import math
import re
from importlib import import_module

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user

from amends.actions.base import Action
from amends.desk import throttle
from amends.desk.lookups import get
from amends.desk.models import ROLES, AuthenticatorApp
from amends.errors import AmendsError, BadInput, NotFound, Refused
from amends.record import api as record

CODE = re.compile(r"^[0-9]{6,8}$")


class Throttled(Refused):
    """Too many wrong codes in a row: the next try must wait."""


def subject_of(user: User) -> str:
    return f"user:{user.username}"


def check_password(password: object, user: User, field: str = "password") -> str:
    """Apply AUTH_PASSWORD_VALIDATORS; every complaint goes into one line."""
    if not isinstance(password, str) or not password:
        raise BadInput(f"{field}: must not be empty", field=field)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise BadInput(f"{field}: {' '.join(error.messages)}", field=field) from None
    return password


def second_factor(user: User) -> AuthenticatorApp | None:
    """The person's confirmed authenticator app, or None."""
    return AuthenticatorApp.objects.filter(user=user, confirmed=True).order_by("pk").first()


def revoke_tokens(user: User, *, actor: str, reason: str) -> int:
    """Revoke every API token of ``user`` that still works; return how many."""
    from amends.actions.tokens import revoke_all

    return revoke_all(user, actor=actor, reason=reason)


def _throttled(data: dict, field: str) -> Throttled:
    wait = max(1, math.ceil((data["locked_until"] - timezone.now()).total_seconds()))
    unit = "second" if wait == 1 else "seconds"
    return Throttled(
        f"{field}: {data['failure_count']} wrong tries in a row; wait {wait} {unit} and try again",
        field=field,
    )


def verify_code(device, code: object, *, field: str = "code") -> None:
    """Check a code from the person's authenticator app; raise if it is wrong or too soon.

    django-otp throttles each device: after n wrong codes in a row the next try must wait
    2^(n-1) seconds. A wrong code's count is committed before the error is raised, so a caller
    that rolls back cannot undo it.
    """
    if not isinstance(code, str) or not CODE.match(code.replace(" ", "")):
        raise BadInput(f"{field}: enter the 6 digits your authenticator app shows", field=field)
    with transaction.atomic():
        locked = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, data = locked.verify_is_allowed()
        verified = allowed and locked.verify_token(code.replace(" ", ""))
    if not allowed:
        raise _throttled(data, field)
    if not verified:
        raise BadInput(
            f"{field}: that code is wrong or was used already; wait for the next one", field=field
        )


def end_sessions(user: User) -> int:
    """Delete every stored session of ``user``; return how many.

    Only database-backed sessions can be listed. With any other engine an inactive user is
    still refused on the next request, because Django's ModelBackend will not load them.
    """
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    ended = 0
    for key, data in store.get_model_class().objects.values_list("session_key", "session_data"):
        if store().decode(data).get("_auth_user_id") == str(user.pk):
            store(session_key=key).delete()
            ended += 1
    return ended


class _Admin(Action):
    """An admin acting on another person, named by id."""

    roles = ("admin",)
    # Why an admin may not do this to themselves: it could leave nobody able to undo it.
    not_yourself: str = ""

    def target(self, pk) -> User:
        user = get(User, pk, "user")
        if user == self.actor:
            raise Refused(f"user: {self.not_yourself}", field="user")
        return user


class SetRole(_Admin):
    """Give a person exactly one role, replacing the one they had."""

    verb = "change roles"
    not_yourself = "you cannot change your own role; ask another admin"

    def __init__(self, actor, *, user, role: str):
        super().__init__(actor)
        self.user_id, self.role = user, role

    def validate(self):
        if self.role not in ROLES:
            raise BadInput(f"role: must be {'|'.join(ROLES)} (got {self.role!r})", field="role")

    def apply(self) -> User:
        user = self.target(self.user_id)
        had = sorted(set(user.groups.values_list("name", flat=True)) & set(ROLES))
        if had == [self.role]:
            raise Refused(f"role: {user.username} is already {self.role}", field="role")
        user.groups.remove(*Group.objects.filter(name__in=ROLES))
        group, _ = Group.objects.get_or_create(name=self.role)
        user.groups.add(group)
        record.append(
            "user.role_set",
            {"user": user.username, "role": self.role, "was": had},
            actor=self.actor_name,
            subject=subject_of(user),
        )
        return user


class SetActive(_Admin):
    """Deactivate a person (their sessions end at once) or let them back in."""

    verb = "deactivate or reactivate people"
    not_yourself = "you cannot deactivate yourself; ask another admin"

    def __init__(self, actor, *, user, active: bool):
        super().__init__(actor)
        self.user_id, self.active = user, active

    def apply(self) -> User:
        user = self.target(self.user_id)
        if user.is_active == self.active:
            state = "active" if self.active else "deactivated"
            raise Refused(f"user: {user.username} is already {state}", field="user")
        user.is_active = self.active
        user.save(update_fields=["is_active"])
        if not self.active:
            end_sessions(user)
        record.append(
            "user.reactivated" if self.active else "user.deactivated",
            {"user": user.username},
            actor=self.actor_name,
            subject=subject_of(user),
        )
        return user


class SetPassword(_Admin):
    """An admin sets a person's password (a first one, or a new one when it is forgotten).

    Their other sessions end, because Django ties each session to the password it began with,
    and their API tokens are revoked: whoever knew the old password may have made one.
    ``revoked`` says how many.
    """

    verb = "set passwords"
    not_yourself = "change your own password on your settings page, with your current one"

    def __init__(self, actor, *, user, password: str, as_operator: bool = False):
        super().__init__(actor)
        self.user_id, self.password, self.as_operator = user, password, as_operator
        self.revoked = 0

    def authorize(self):
        # From the command line it runs as the operator of the server, like adding a person.
        if not self.as_operator:
            super().authorize()

    def apply(self) -> User:
        user = self.target(self.user_id)
        user.set_password(check_password(self.password, user))
        user.save(update_fields=["password"])
        record.append(
            "user.password_set",
            {"user": user.username},
            actor=self.actor_name,
            subject=subject_of(user),
        )
        self.revoked = revoke_tokens(user, actor=self.actor_name, reason="password set by an admin")
        return user


class ClearSecondFactor(_Admin):
    """An admin turns off someone's second factor, for a lost or replaced phone.

    They can then sign in with their password alone and set it up again.
    """

    verb = "turn off second factors"
    not_yourself = "turn off your own second factor on your settings page"

    def __init__(self, actor, *, user):
        super().__init__(actor)
        self.user_id = user

    def apply(self) -> User:
        user = self.target(self.user_id)
        devices = list(devices_for_user(user, confirmed=None))
        if not any(d.confirmed for d in devices):
            raise Refused(f"user: {user.username} has no second factor", field="user")
        for device in devices:
            device.delete()
        record.append(
            "user.second_factor_removed",
            {"user": user.username},
            actor=self.actor_name,
            subject=subject_of(user),
        )
        return user


class ChangePassword(Action):
    """Change one's own password: the current one, then the new one twice.

    The current password is checked as at sign-in, slowed after too many wrong ones for the
    name and for ``address`` (amends.desk.throttle), so a session left open cannot be used to
    guess it faster. The person's API tokens are revoked; ``revoked`` says how many.
    """

    verb = "change your password"

    def __init__(self, actor, *, current: str, new: str, again: str, address: str = ""):
        super().__init__(actor)
        self.current, self.new, self.again, self.address = current, new, again, address
        self.revoked = 0

    def validate(self):
        if self.new != self.again:
            raise BadInput("again: the two new passwords are not the same", field="again")

    def before(self) -> None:
        # Outside the change's transaction, so that a wrong password stays counted.
        super().authorize()
        self._check_current()

    def _check_current(self) -> None:
        name = self.actor.username
        allowed, wait = throttle.attempt(name, self.address)
        if not allowed:
            raise Throttled(
                f"current: too many wrong passwords; wait {throttle.say_wait(wait)} and try again",
                field="current",
            )
        if not isinstance(self.current, str) or not self.actor.check_password(self.current):
            later = f"; wait {throttle.say_wait(wait)} before you try again" if wait else ""
            raise BadInput(f"current: that is not your current password{later}", field="current")
        throttle.succeeded(name, self.address)

    def apply(self) -> User:
        user = self.actor
        user.set_password(check_password(self.new, user, "new"))
        user.save(update_fields=["password"])
        record.append(
            "user.password_set",
            {"user": user.username},
            actor=user.username,
            subject=subject_of(user),
        )
        self.revoked = revoke_tokens(user, actor=user.username, reason="password changed")
        return user


class EnrolSecondFactor(Action):
    """Start setting up an authenticator app: a new, unconfirmed device with a fresh secret."""

    verb = "set up a second factor"

    def apply(self) -> AuthenticatorApp:
        if second_factor(self.actor) is not None:
            raise Refused(
                "second factor: it is on already; turn it off first to move it to a new app"
            )
        # A set-up that was never finished is replaced, so only the newest secret works.
        AuthenticatorApp.objects.filter(user=self.actor, confirmed=False).delete()
        return AuthenticatorApp.start(self.actor)


def pending_device(user: User) -> AuthenticatorApp | None:
    return AuthenticatorApp.objects.filter(user=user, confirmed=False).order_by("-pk").first()


class ConfirmSecondFactor(Action):
    """Finish setting up: a code from the app proves it holds the secret. Then it is on."""

    verb = "set up a second factor"

    def __init__(self, actor, *, code: str):
        super().__init__(actor)
        self.code = code

    def before(self) -> None:
        # The code is checked first, in its own transaction, so that a wrong one stays counted.
        super().authorize()
        device = pending_device(self.actor)
        if device is None:
            raise NotFound("second factor: start setting it up first")
        verify_code(device, self.code)
        self.device = device

    def apply(self) -> AuthenticatorApp:
        device = AuthenticatorApp.objects.select_for_update().get(pk=self.device.pk)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record.append(
            "user.second_factor_added",
            {"user": self.actor.username},
            actor=self.actor.username,
            subject=subject_of(self.actor),
        )
        return device


class RemoveSecondFactor(Action):
    """Turn the second factor off, proved with a current code or the password.

    A wrong password counts against the device's throttle just as a wrong code does, so neither
    can be guessed here faster than at sign-in.
    """

    verb = "turn off a second factor"

    def __init__(self, actor, *, code: str = "", password: str = ""):
        super().__init__(actor)
        self.code, self.password = (code or "").strip(), password or ""

    def validate(self):
        if not self.code and not self.password:
            raise BadInput(
                "code: give a code from your authenticator app, or your password", field="code"
            )

    def before(self) -> None:
        # Checked outside the change's transaction, so that a wrong code stays counted.
        super().authorize()
        device = second_factor(self.actor)
        if device is None:
            raise NotFound("second factor: it is not on")
        if self.code:
            verify_code(device, self.code)
        else:
            self._check_password(device)

    def _check_password(self, device) -> None:
        failure: AmendsError | None = None
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            allowed, data = locked.verify_is_allowed()
            if not allowed:
                failure = _throttled(data, "password")
            elif not self.actor.check_password(self.password):
                locked.throttle_increment()
                failure = BadInput("password: that is not your password", field="password")
        if failure is not None:
            raise failure

    def apply(self) -> None:
        for device in devices_for_user(self.actor, confirmed=None):
            device.delete()
        record.append(
            "user.second_factor_removed",
            {"user": self.actor.username},
            actor=self.actor.username,
            subject=subject_of(self.actor),
        )


class SignedInByProvider(Action):
    """The force's identity provider vouched for a person: add them if Amends does not know
    them yet, and give them the role its claim maps to. Runs as the system; the record says
    which provider. A person an admin deactivated in Amends stays out."""

    def __init__(self, actor, *, name: str, role: str, issuer: str):
        super().__init__(actor)
        self.name, self.role, self.issuer = name, role, issuer

    def validate(self):
        from amends.desk.names import check_user_name

        check_user_name(self.name)
        if self.role not in ROLES:
            raise BadInput(f"role: must be {'|'.join(ROLES)} (got {self.role!r})", field="role")

    def authorize(self):  # the provider vouched; nobody signed in acts
        pass

    def apply(self) -> User:
        user = User.objects.filter(username__iexact=self.name).first()
        if user is None:
            user = User.objects.create_user(self.name)
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get_or_create(name=self.role)[0])
            record.append(
                "user.added",
                {"user": user.username, "role": self.role, "via": self.issuer},
                subject=subject_of(user),
            )
            return user
        if not user.is_active:
            raise Refused(f"name: {user.username} was deactivated in Amends", field="name")
        had = sorted(set(user.groups.values_list("name", flat=True)) & set(ROLES))
        if had != [self.role]:
            user.groups.remove(*Group.objects.filter(name__in=ROLES))
            user.groups.add(Group.objects.get_or_create(name=self.role)[0])
            record.append(
                "user.role_set",
                {"user": user.username, "role": self.role, "was": had, "via": self.issuer},
                subject=subject_of(user),
            )
        return user
