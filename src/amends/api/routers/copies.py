"""Copies of posts found out in the world, and the conversation about an incident."""

from ninja import Router, Status

from amends.actions import HandleMention, NotifyCopy, RecordCopy
from amends.api import schemas as s
from amends.api import schemas_copies as sc
from amends.api.auth import staff
from amends.api.errors import ERRORS, closed_query

router = Router(tags=["copies"])


@router.get(
    "/posts/{post_id}/copies",
    response={200: sc.Copies, **ERRORS},
    summary="The copies found of a post",
)
@closed_query
def copies(request, post_id: s.Id):
    """Where each copy is, how it was found, the revision it shows, and whether that revision
    has since been corrected or the post taken down."""
    from amends.copies.register import copies_of
    from amends.desk.lookups import get
    from amends.desk.models import Post

    staff(request.auth, "read copies of posts")
    post = get(Post, post_id, "post")
    return {"post": post.pk, "copies": copies_of(post)}


@router.post(
    "/posts/{post_id}/copies",
    response={201: sc.CopyOut, **ERRORS},
    summary="Record a copy of a post",
)
def add(request, post_id: s.Id, payload: sc.CopyIn):
    """Record a copy found somewhere (``copy.found`` in the record)."""
    from amends.copies.register import copies_of

    added = RecordCopy(
        request.auth,
        post=post_id,
        url=payload.url,
        found_by=payload.found_by,
        revision=payload.revision,
        note=payload.note,
    ).run()
    [shown] = [c for c in copies_of(added.post) if c["id"] == added.pk]
    return Status(201, shown)


@router.post("/copies/match", response={200: sc.Matches, **ERRORS}, summary="Match words to a post")
def match(request, payload: sc.MatchIn):
    """The posts, and the revision of each, that some words most likely come from, best
    first, for a person to confirm; empty when nothing is close. Nothing is recorded."""
    from amends.copies.matching import match as matching
    from amends.desk.lookups import required_text

    staff(request.auth, "match copies of posts")
    words = required_text(payload.text, "text")
    return {"matches": [m.as_json() for m in matching(words)]}


@router.get(
    "/incidents/{incident_id}/conversation",
    response={200: sc.Conversation, **ERRORS},
    summary="The conversation about an incident",
)
@closed_query
def conversation(request, incident_id: s.Id):
    """The public's replies, quotes, reposts and mentions of the incident's posts per hour,
    the busiest hour, how far activity has fallen since, and what that says about answering
    again."""
    from amends.copies.conversation import as_json
    from amends.desk.lookups import get
    from amends.desk.models import Incident

    staff(request.auth, "read incidents")
    return as_json(get(Incident, incident_id, "incident"))


@router.post(
    "/copies/{copy_id}/notify",
    response={200: sc.Notified, **ERRORS},
    summary="Tell the place a copy is of the correction",
)
def notify(request, copy_id: s.Id, payload: sc.NotifyIn):
    """A Webmention from the post's page to a web page; for a platform copy, the reply with the
    correction made there, recorded. ``copy.notified``, counted against the incident's response
    budget: past it, or once the incident is closed, refused (409) unless ``anyway``."""
    told = NotifyCopy(
        request.auth,
        copy=copy_id,
        anyway=payload.anyway,
        override_reason=payload.override_reason,
    ).run()
    return {"id": told.pk, "notified_at": told.notified_at.isoformat()}


@router.get(
    "/incidents/{incident_id}/inbox",
    response={200: sc.Inbox, **ERRORS},
    summary="What the public said about an incident's posts",
)
@closed_query
def inbox(request, incident_id: s.Id, handled: bool = False):
    """Replies, quotes, reposts and mentions of the incident's posts, newest first: those no one
    has handled yet (with ``handled=true``, every one)."""
    from amends.copies.inbox import as_json
    from amends.copies.inbox import inbox as listed
    from amends.desk.lookups import get
    from amends.desk.models import Incident

    staff(request.auth, "read incidents")
    incident = get(Incident, incident_id, "incident")
    return {
        "incident": incident.pk,
        "mentions": [as_json(m) for m in listed(incident, handled=handled)],
    }


@router.post(
    "/mentions/{mention_id}/handled",
    response={200: sc.MentionOut, **ERRORS},
    summary="Mark something the public said as handled",
)
def handled(request, mention_id: s.Id):
    """It leaves the incident's inbox."""
    from amends.copies.inbox import as_json

    return as_json(HandleMention(request.auth, mention=mention_id).run())
