"""What an evidence pack is about: a post, an incident or a whole account, and its posts.

:class:`Subjects` is the one shape shared by the pack (which entries to gather and prove) and
the human report (``amends.evidence.report.render``, drawn from what the export gathered).
"""

from dataclasses import dataclass, field

from amends.desk.lookups import get
from amends.desk.models import Incident, Post
from amends.errors import BadInput

KINDS = ("post", "incident", "account")


@dataclass
class Subjects:
    """The subject of a pack and everything it covers.

    ``kind`` and ``id`` name what was asked for (``--post 12``, ``--incident 3``, or
    ``--account house:news``, whose ``id`` is the account's primary key). ``posts`` are the post
    ids covered, in ascending order: for a post, the post and its responses (apologies,
    replies, statements answering it, and answers to those); for an incident, its post, every
    post of the incident, its final statement and their responses; for an account, every post
    on it. ``incident`` is the incident's id for an incident pack, else None; ``incidents`` are
    all incidents covered (the one incident, or every incident opened on the account's posts;
    empty for a post pack). ``include_sealed`` says whether sealed wording is put in the pack
    (an auditor stated a purpose and a reference); when False, sealed text must appear nowhere
    in the pack, the report included. ``purpose`` and ``reference`` are the auditor's words.
    """

    kind: str
    id: int
    posts: list[int]
    incident: int | None
    include_sealed: bool
    purpose: str = ""
    reference: str = ""
    incidents: list[int] = field(default_factory=list)
    account: str | None = None  # PLATFORM:HANDLE, for an account pack

    @property
    def subject(self) -> str:
        """The record subject of the pack itself: ``post:N``, ``incident:N`` or
        ``account:PLATFORM:HANDLE``."""
        if self.kind == "account":
            return f"account:{self.account}"
        return f"{self.kind}:{self.id}"

    @property
    def record_subjects(self) -> list[str]:
        """Every record subject whose entries belong in the pack: the account (for an account
        pack), the incidents, then the posts."""
        found = [self.subject] if self.kind == "account" else []
        found += [f"incident:{pk}" for pk in self.incidents]
        return found + [f"post:{pk}" for pk in self.posts]


def _with_responses(roots: set[int]) -> list[int]:
    """``roots`` and every post answering one of them, however deep the thread goes."""
    found = set(roots)
    frontier = set(roots)
    while frontier:
        answers = set(Post.objects.filter(in_reply_to_id__in=frontier).values_list("pk", flat=True))
        frontier = answers - found
        found |= frontier
    return sorted(found)


def gather(
    kind: str,
    id: object,
    *,
    include_sealed: bool = False,
    purpose: str = "",
    reference: str = "",
) -> Subjects:
    """The subjects of a pack about post ``id``, incident ``id`` or account ``id``
    (``PLATFORM:HANDLE``). Raises BadInput or NotFound."""
    if kind == "post":
        post = get(Post, id, "post")
        return Subjects(
            kind="post",
            id=post.pk,
            posts=_with_responses({post.pk}),
            incident=None,
            include_sealed=include_sealed,
            purpose=purpose,
            reference=reference,
        )
    if kind == "incident":
        incident = get(Incident, id, "incident")
        roots = {incident.post_id}
        roots.update(Post.objects.filter(incident=incident).values_list("pk", flat=True))
        if incident.statement_id is not None:
            roots.add(incident.statement_id)
        return Subjects(
            kind="incident",
            id=incident.pk,
            posts=_with_responses(roots),
            incident=incident.pk,
            include_sealed=include_sealed,
            purpose=purpose,
            reference=reference,
            incidents=[incident.pk],
        )
    if kind == "account":
        from amends.desk.lookups import account_by_key

        account = account_by_key(id)
        posts = list(account.posts.order_by("pk").values_list("pk", flat=True))
        incidents = Incident.objects.filter(post__account=account).order_by("pk")
        return Subjects(
            kind="account",
            id=account.pk,
            posts=posts,
            incident=None,
            include_sealed=include_sealed,
            purpose=purpose,
            reference=reference,
            incidents=list(incidents.values_list("pk", flat=True)),
            account=str(account),
        )
    raise BadInput(f"subject: must be one of {', '.join(KINDS)} (got {kind!r})", field="subject")
