"""Who may do what: a person's roles, read once, and the groups of roles the desk, the API and
the actions all name. One module, so a view and the action behind it cannot disagree."""

from django.contrib.auth.models import User

STAFF = ("author", "supervisor", "auditor", "admin")
WRITERS = ("author", "supervisor")  # publish, correct, apologise, reply, ask for deletions


def roles_of(user: User | None) -> set[str]:
    """The user's roles, read once per user object (one request or one command): the desk asks
    several times a page."""
    if user is None:
        return set()
    cached = getattr(user, "_amends_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._amends_roles = cached
    return set(cached)


def can_write(user: User | None) -> bool:
    """May ``user`` publish and correct (an author or a supervisor)?"""
    return bool(roles_of(user) & set(WRITERS))
