"""What an evidence pack is about: a post, or an incident, and the posts that belong to it.

:class:`Subjects` is the one shape shared by the pack (which entries to gather and prove) and
the human report (``amends.evidence.report.render(subjects)``).
"""

from dataclasses import dataclass

from amends.desk.actions.base import get
from amends.desk.models import Incident, Post
from amends.errors import BadInput

KINDS = ("post", "incident")


@dataclass
class Subjects:
    """The subject of a pack and everything it covers.

    ``kind`` and ``id`` name what was asked for (``--post 12`` or ``--incident 3``). ``posts``
    are the post ids covered, in ascending order: for a post, the post and its responses
    (apologies, replies, statements answering it, and answers to those); for an incident, its
    post, every post of the incident, its final statement and their responses. ``incident`` is
    the incident's id for an incident pack, else None. ``include_sealed`` says whether sealed
    wording is put in the pack (an auditor stated a purpose and a reference); when False, sealed
    text must appear nowhere in the pack, the report included.
    """

    kind: str
    id: int
    posts: list[int]
    incident: int | None
    include_sealed: bool
    purpose: str = ""
    reference: str = ""

    @property
    def subject(self) -> str:
        """The record subject of the pack itself, as ``post:N`` or ``incident:N``."""
        return f"{self.kind}:{self.id}"

    @property
    def record_subjects(self) -> list[str]:
        """Every record subject whose entries belong in the pack, incident first."""
        found = [f"incident:{self.incident}"] if self.incident is not None else []
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
    """The subjects of a pack about post ``id`` or incident ``id``. Raises BadInput or NotFound."""
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
        )
    raise BadInput(f"subject: must be one of {', '.join(KINDS)} (got {kind!r})", field="subject")
