"""Who may open each desk page: every URL × every role, an outsider and an anonymous visitor.

The table is written out by hand from the role rules in docs/desk.md; it is not read from the
views, so a view that loses or widens its role check fails here. A meta-test makes sure every
desk URL has a row. Pages that only take a form (POST) are sent an empty form: an allowed
person gets the page's own answer (an error message, a redirect on to the desk), never a refusal.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.once  # the same whatever the database

PERSONAS = ("anonymous", "olly", "alice", "sam", "fiona", "adam")
STAFF = ("alice", "sam", "fiona", "adam")
WRITERS = ("alice", "sam")
SIGN_IN = "/desk/sign-in/"

# (URL name, its arguments, method, who may) — method POST for pages that only take a form.
PAGES = [
    ("today", {}, "GET", STAFF),
    ("posts", {}, "GET", STAFF),
    ("publish", {}, "GET", WRITERS),
    ("adopt", {}, "POST", WRITERS),
    ("post", {"post_id": "post"}, "GET", STAFF),
    ("correct", {"post_id": "post"}, "GET", WRITERS),
    ("correct-preview", {"post_id": "post"}, "POST", WRITERS),
    ("apologise", {"post_id": "post"}, "GET", WRITERS),
    ("apology-check", {"post_id": "post"}, "POST", WRITERS),
    ("reply", {"post_id": "post"}, "GET", WRITERS),
    ("request-deletion", {"post_id": "plain"}, "GET", WRITERS),
    ("open-incident", {"post_id": "plain"}, "POST", WRITERS),
    ("record-copy", {"post_id": "post"}, "POST", ("alice", "sam", "fiona")),
    ("check-copy", {}, "GET", STAFF),
    ("notify-copy", {"copy_id": "copy"}, "GET", WRITERS),
    ("inbox", {"incident_id": "incident"}, "GET", STAFF),
    ("incident-review", {"incident_id": "incident"}, "GET", STAFF),
    ("mention-handled", {"mention_id": "mention"}, "POST", WRITERS),
    ("incidents", {}, "GET", STAFF),
    ("incident", {"incident_id": "incident"}, "GET", STAFF),
    ("close-incident", {"incident_id": "incident"}, "GET", ("sam",)),
    ("approvals", {}, "GET", ("sam",)),
    # Authors see a deletion, to withdraw their own; only supervisors decide or review.
    ("decide", {"deletion_id": "deletion"}, "GET", WRITERS),
    ("redact", {"post_id": "plain"}, "GET", WRITERS),
    ("protect-names", {"incident_id": "incident"}, "POST", WRITERS),
    ("incident-add-post", {"incident_id": "incident"}, "POST", WRITERS),
    ("incident-correct", {"incident_id": "incident"}, "GET", WRITERS),
    ("sending", {}, "GET", ("sam", "adam")),
    ("rota", {}, "GET", ("sam", "adam")),
    ("remove-shift", {"shift_id": "shift"}, "POST", ("sam", "adam")),
    ("me-notifications", {}, "GET", STAFF),
    ("me-notifications-test", {}, "POST", STAFF),
    ("me-notifications-remove", {"channel_id": "channel"}, "POST", STAFF),
    ("sealed", {}, "GET", ("fiona",)),
    ("unseal", {"post_id": "plain"}, "GET", ("fiona",)),
    ("holds", {}, "GET", ("fiona",)),
    ("exports", {}, "GET", ("fiona",)),
    ("monitor", {}, "GET", ("fiona",)),
    ("release-hold", {"hold_id": "hold"}, "POST", ("fiona",)),
    ("deliveries", {}, "GET", STAFF),
    ("delivery", {"delivery_id": "delivery"}, "GET", STAFF),
    ("retry-delivery", {"delivery_id": "delivery"}, "POST", ("sam", "adam")),
    ("assign-incident", {"incident_id": "incident"}, "POST", WRITERS),
    ("note-incident", {"incident_id": "incident"}, "POST", ("alice", "sam", "fiona")),
    ("done-by-hand", {"delivery_id": "delivery"}, "POST", WRITERS),
    ("seen-change", {"change_id": "change"}, "POST", ("alice", "sam", "adam")),
    ("me", {}, "GET", STAFF),
    ("me-password", {}, "POST", STAFF),
    ("me-second-factor", {}, "GET", STAFF),
    ("me-second-factor-confirm", {}, "POST", STAFF),
    ("me-second-factor-remove", {}, "POST", STAFF),
    ("tokens", {}, "GET", STAFF),
    ("token-create", {}, "POST", STAFF),
    ("token-revoke", {"token_id": "token"}, "POST", STAFF),
    ("people", {}, "GET", ("adam",)),
    ("people-add", {}, "POST", ("adam",)),
    ("accounts-add", {}, "POST", ("adam",)),
    ("accounts-check", {"account_id": "account"}, "POST", ("adam",)),
    ("person", {"user_id": "alice"}, "GET", ("adam",)),
    ("person-role", {"user_id": "alice"}, "POST", ("adam",)),
    ("person-active", {"user_id": "alice"}, "POST", ("adam",)),
    ("person-password", {"user_id": "alice"}, "POST", ("adam",)),
    ("person-second-factor-remove", {"user_id": "alice"}, "POST", ("adam",)),
]
# Pages whose own answer to an allowed person is not the page itself: setting up a second factor
# is begun from the settings page, which the bare address sends you back to.
ANSWER = {"me-second-factor": 302}
# Open to anyone: signing in and out.
# Open to anyone: signing in (see test_oidc) and the English/Welsh switch (test_welsh_desk).
PUBLIC = {"sign-in", "sign-in-code", "sign-out", "oidc-start", "oidc-callback", "language"}


def _token_of(user):
    from amends.api.models import ApiToken

    token, _ = ApiToken.issue(user, "spare")
    return token.pk


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "arguments", "method", "allowed"), PAGES, ids=[row[0] for row in PAGES]
)
def test_who_may_open_each_desk_page(
    client, people, world, persona, name, arguments, method, allowed
):
    if persona != "anonymous":
        client.force_login(getattr(people, persona))
    names = dict(world)
    if name == "token-revoke":
        names["token"] = _token_of(getattr(people, persona, people.alice))
    url = reverse(f"desk:{name}", kwargs={k: names[v] for k, v in arguments.items()})
    response = client.post(url, {}) if method == "POST" else client.get(url)
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN)
    elif persona in allowed:
        assert response.status_code != 403, response.content[:300]
        assert not response.get("Location", "").startswith(SIGN_IN)
        if method == "GET":
            assert response.status_code == ANSWER.get(name, 200)
    else:
        assert response.status_code == 403
        assert b"This page is for" in response.content


def _desk_names(patterns, prefix: str = "") -> set[str]:
    found = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found |= _desk_names(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and prefix.startswith("desk/") and pattern.name:
            found.add(pattern.name)
    return found


def test_every_desk_url_has_a_permission_row():
    desk = _desk_names(get_resolver().url_patterns)
    assert desk, "no desk URL found"
    assert desk - PUBLIC == {row[0] for row in PAGES}
