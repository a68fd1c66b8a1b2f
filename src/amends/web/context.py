"""What every desk page needs to know: who is signed in and which parts of the desk are theirs."""

from django.http import HttpRequest
from django.urls import reverse

from amends.desk.roles import roles_of

SECTIONS = [
    # (label, URL name, roles that see it)
    ("Today", "desk:today", None),
    ("Posts", "desk:posts", None),
    ("Incidents", "desk:incidents", None),
    ("Approvals", "desk:approvals", ("supervisor",)),
    ("On call", "desk:rota", ("supervisor", "admin")),
    ("Deliveries", "desk:deliveries", None),
    ("Sealed originals", "desk:sealed", ("auditor",)),
    ("Holds", "desk:holds", ("auditor",)),
    ("Evidence packs", "desk:exports", ("auditor",)),
    ("People and accounts", "desk:people", ("admin",)),
]


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
    from amends.delivery.models import Pause

    return {"roles": roles, "sections": sections, "paused": Pause.standing()}
