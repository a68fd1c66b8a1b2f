"""People and accounts, for admins: who may use the desk, in which role, and where we post."""

from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from amends import platforms
from amends.actions import (
    AddAccount,
    AddUser,
    CheckAccount,
    ClearSecondFactor,
    SetActive,
    SetPassword,
    SetRole,
)
from amends.desk.models import ROLES, Account, AuthenticatorApp
from amends.errors import AmendsError
from amends.web import problems
from amends.web.access import desk_page, refused
from amends.web.context import ROLE_NAMES
from amends.web.forms import in_words
from amends.web.problems import Problem


def _people() -> list[dict]:
    confirmed = AuthenticatorApp.objects.filter(confirmed=True)
    with_factor = set(confirmed.values_list("user_id", flat=True))
    users = User.objects.order_by("username").prefetch_related(
        Prefetch("groups", to_attr="all_groups")
    )
    return [
        {
            "user": user,
            "role": ", ".join(
                str(ROLE_NAMES[g])
                for g in sorted(g.name for g in user.all_groups if g.name in ROLES)
            ),
            "second_factor": user.pk in with_factor,
        }
        for user in users
    ]


def _connection_fields(values: dict) -> list[dict]:
    """The account form's connection fields, one for each setting some platform needs, each
    saying which platforms need it. Passwords and tokens are never sent back."""
    shown = []
    for field in platforms.fields():
        names = [gettext(n) for n in field["for"]]
        needed = (
            names[0] if len(names) == 1 else ", ".join(names[:-1]) + gettext(" and ") + names[-1]
        )
        shown.append(
            field
            | {
                "label": gettext(field["label"]),
                "hint": gettext("Needed for %(platforms)s.") % {"platforms": needed},
                "value": "" if field["secret"] else values.get(field["name"], ""),
            }
        )
    return shown


def _index(
    request, *, problem: Problem | None = None, status: int = 200, values=None
) -> HttpResponse:
    context = {
        "people": _people(),
        "accounts": Account.objects.order_by("platform", "handle"),
        "role_choices": [(r, ROLE_NAMES[r]) for r in ROLES],
        "platform_choices": [(name, gettext(label)) for name, label in platforms.choices()],
        "connection_fields": _connection_fields(values or {}),
        "problem": problem,
        "values": values or {},
    }
    return render(request, "desk/people/index.html", context, status=status)


@desk_page("admin")
def index(request: HttpRequest) -> HttpResponse:
    return _index(request)


@desk_page("admin")
@require_POST
def add_user(request: HttpRequest) -> HttpResponse:
    post = request.POST
    name, role = post.get("name", "").strip(), post.get("role", "")
    action = AddUser(request.user, name=name, role=role, password=post.get("password", ""))
    try:
        user = action.run()
    except AmendsError as error:
        found = problems.problem(error, "add-user", ("name", "role", "password"))
        # Passwords are never sent back to the browser.
        values = {"name": name, "role": role}
        return _index(request, problem=found, status=problems.status(error), values=values)
    messages.success(
        request,
        gettext("%(name)s can now sign in as %(role)s.")
        % {"name": user.username, "role": ROLE_NAMES.get(role, role)},
    )
    return redirect("desk:people")


@desk_page("admin")
@require_POST
def add_account(request: HttpRequest) -> HttpResponse:
    post = request.POST
    platform, handle = post.get("platform", ""), post.get("handle", "").strip()
    name = post.get("name", "").strip()
    fields = platforms.fields()
    settings = {f["name"]: post.get(f["name"], "").strip() for f in fields if not f["secret"]}
    secrets = {f["name"]: post.get(f["name"], "").strip() for f in fields if f["secret"]}
    try:
        account = AddAccount(
            request.user,
            key=f"{platform}:{handle}",
            name=name,
            settings={k: v for k, v in settings.items() if v},
            secrets={k: v for k, v in secrets.items() if v},
        ).run()
    except AmendsError as error:
        named = ("platform", "handle", "name", *(f["name"] for f in fields))
        found = problems.problem(error, "add-account", named, aliases={"account": "handle"})
        # Passwords and tokens are never sent back to the browser.
        values = {"platform": platform, "handle": handle, "name": name, **settings}
        return _index(request, problem=found, status=problems.status(error), values=values)
    messages.success(request, gettext("Account %(account)s added.") % {"account": account})
    return redirect("desk:people")


@desk_page("admin")
@require_POST
def check_account(request: HttpRequest, account_id: int) -> HttpResponse:
    """Sign in to the account's platform now: the admin learns at once whether it works."""
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        return refused(
            request, gettext("There is no account %(n)s.") % {"n": account_id}, status=404
        )
    try:
        CheckAccount(request.user, account=str(account)).run()
    except AmendsError as error:
        messages.error(request, in_words(error))
    else:
        messages.success(request, gettext("Account %(account)s works.") % {"account": account})
    return redirect("desk:people")


def _person_page(
    request, user_id: int, *, problem: Problem | None = None, status: int = 200
) -> HttpResponse:
    person = User.objects.filter(pk=user_id).first()
    if person is None:
        return refused(request, gettext("There is no user %(n)s.") % {"n": user_id}, status=404)
    context = {
        "person": person,
        "role": ", ".join(sorted(set(person.groups.values_list("name", flat=True)) & set(ROLES))),
        "role_name": ", ".join(
            str(ROLE_NAMES[r])
            for r in sorted(set(person.groups.values_list("name", flat=True)) & set(ROLES))
        ),
        "second_factor": AuthenticatorApp.objects.filter(user=person, confirmed=True).exists(),
        "is_me": person == request.user,
        "role_choices": [(r, ROLE_NAMES[r]) for r in ROLES],
        "problem": problem,
    }
    return render(request, "desk/people/person.html", context, status=status)


@desk_page("admin")
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    return _person_page(request, user_id)


def _change(request, user_id: int, action, form: str, fields: tuple, said) -> HttpResponse:
    """Run an admin's change to one person and come back to their page, saying ``said(user)``."""
    try:
        changed = action.run()
    except AmendsError as error:
        found = problems.problem(error, form, fields)
        return _person_page(request, user_id, problem=found, status=problems.status(error))
    messages.success(request, said(changed))
    return redirect("desk:person", user_id)


@desk_page("admin")
@require_POST
def set_role(request: HttpRequest, user_id: int) -> HttpResponse:
    role = request.POST.get("role", "")
    action = SetRole(request.user, user=user_id, role=role)
    return _change(
        request,
        user_id,
        action,
        "role",
        ("role",),
        lambda u: (
            gettext("%(name)s is now %(role)s.")
            % {"name": u.username, "role": ROLE_NAMES.get(role, role)}
        ),
    )


@desk_page("admin")
@require_POST
def set_active(request: HttpRequest, user_id: int) -> HttpResponse:
    active = request.POST.get("active") == "yes"
    if not active and request.POST.get("confirmed") != "1":
        # Deactivating signs a person out everywhere: asked once more, on a page of its own.
        person = User.objects.filter(pk=user_id).first()
        # Yourself, someone already deactivated, nobody: the action says why not.
        if person is not None and person != request.user and person.is_active:
            return render(request, "desk/people/deactivate.html", {"person": person})
    action = SetActive(request.user, user=user_id, active=active)

    def said(user):
        if active:
            return gettext("%(name)s can sign in again.") % {"name": user.username}
        return gettext("%(name)s is deactivated and has been signed out everywhere.") % {
            "name": user.username
        }

    return _change(request, user_id, action, "active", (), said)


def _tokens_revoked(revoked: int) -> str:
    if revoked == 0:
        return ""
    return " " + ngettext(
        "Their %(n)s API token has been revoked.",
        "Their %(n)s API tokens have been revoked.",
        revoked,
    ) % {"n": revoked}


@desk_page("admin")
@require_POST
def set_password(request: HttpRequest, user_id: int) -> HttpResponse:
    action = SetPassword(request.user, user=user_id, password=request.POST.get("password", ""))
    return _change(
        request,
        user_id,
        action,
        "password",
        ("password",),
        lambda u: (
            gettext("%(name)s has a new password. Give it to them in person or by phone.")
            % {"name": u.username}
            + _tokens_revoked(action.revoked)
        ),
    )


@desk_page("admin")
@require_POST
def clear_second_factor(request: HttpRequest, user_id: int) -> HttpResponse:
    action = ClearSecondFactor(request.user, user=user_id)
    return _change(
        request,
        user_id,
        action,
        "second-factor",
        (),
        lambda u: (
            gettext("The second factor of %(name)s is off; they can sign in with their password.")
            % {"name": u.username}
        ),
    )
