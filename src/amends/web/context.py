"""What every desk page needs to know: who is signed in and which parts of the desk are theirs."""

from django.http import HttpRequest

from amends.desk.roles import roles_of

SECTIONS = [
    # (label, url, roles that see it)
    ("Today", "/desk/", None),
    ("Posts", "/desk/posts/", None),
    ("Incidents", "/desk/incidents/", None),
    ("Approvals", "/desk/approvals/", ("supervisor",)),
    ("Deliveries", "/desk/deliveries/", None),
    ("Sealed originals", "/desk/sealed/", ("auditor",)),
    ("Holds", "/desk/holds/", ("auditor",)),
    ("Evidence packs", "/desk/exports/", ("auditor",)),
    ("People and accounts", "/desk/people/", ("admin",)),
]


def desk(request: HttpRequest) -> dict:
    if not request.path.startswith("/desk/"):
        return {}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"roles": set(), "sections": []}
    roles = roles_of(user)
    sections = [
        (label, url, request.path == url or (url != "/desk/" and request.path.startswith(url)))
        for label, url, allowed in SECTIONS
        if allowed is None or roles & set(allowed)
    ]
    return {"roles": roles, "sections": sections}
