"""What every desk page needs to know: who is signed in and which parts of the desk are theirs."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from amends.desk.roles import roles_of

SECTIONS = [
    # (label, URL name, roles that see it)
    (_("Today"), "desk:today", None),
    (_("Posts"), "desk:posts", None),
    (_("Incidents"), "desk:incidents", None),
    (_("Approvals"), "desk:approvals", ("supervisor",)),
    (_("On call"), "desk:rota", ("supervisor", "admin")),
    (_("Deliveries"), "desk:deliveries", None),
    (_("Sealed originals"), "desk:sealed", ("auditor",)),
    (_("Holds"), "desk:holds", ("auditor",)),
    (_("Evidence packs"), "desk:exports", ("auditor",)),
    (_("Other forces' logs"), "desk:monitor", ("auditor",)),
    (_("People and accounts"), "desk:people", ("admin",)),
]


# The roles as the desk names them, in the person's language.
ROLE_NAMES = {
    "author": _("author"),
    "supervisor": _("supervisor"),
    "auditor": _("auditor"),
    "admin": _("admin"),
}


def desk(request: HttpRequest) -> dict:
    home = reverse("desk:today")
    if not request.path.startswith(home):
        return {}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": set(), "sections": []}
    roles = roles_of(user)
    sections = []
    for label, name, allowed in SECTIONS:
        if allowed is None or roles & set(allowed):
            url = reverse(name)
            here = request.path == url or (url != home and request.path.startswith(url))
            sections.append((label, url, here))
    return {
        "roles": roles,
        "role_names": [ROLE_NAMES.get(r, r) for r in sorted(roles)],
        "sections": sections,
        "paused": standing_pause(),
    }


def standing_pause():
    """The pause that stands, if any (every desk page says so). Pausing and resuming are
    recorded, so it is kept under the record's version."""
    from amends.delivery.models import Pause
    from amends.record import api as record
    from amends.web.fragments import key_for, versioned

    return versioned(key_for("paused", record.version()), lambda: (Pause.standing(),))[0]
