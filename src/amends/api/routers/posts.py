"""Posts: publish, list, read a history, correct, apologise, reply."""

from typing import Annotated

from django.conf import settings
from ninja import Query, Router, Status

from amends.actions import AdoptPost, Apologise, Correct, Publish, Reply
from amends.api import schemas as s
from amends.api.auth import staff
from amends.api.errors import ERRORS, closed_query
from amends.desk import listing
from amends.desk.reports import post_history

router = Router(tags=["posts"])


def _url(post_id: int) -> str:
    return f"{settings.SITE_URL}/posts/{post_id}/"


@router.post("/posts", response={201: s.Published, **ERRORS}, summary="Publish a post")
def publish(request, payload: s.PublishIn):
    """Publish a post. Its exact wording is sealed into the record as it is published."""
    post = Publish(
        request.auth,
        account=payload.account,
        text=payload.text,
        language=payload.language,
        twin_text=payload.twin_text,
        twin_account=payload.twin_account,
    ).run()
    return Status(201, {"post": post.pk, "url": _url(post.pk), "twin": post.pair_id})


@router.post(
    "/posts/adopt",
    response={200: s.Adopted, 201: s.Adopted, **ERRORS},
    summary="Adopt a post made outside Amends, from its link",
)
def adopt(request, payload: s.AdoptIn):
    """Find the connected account the linked post belongs to and capture its exact wording
    now (201); a post Amends already knows is returned as it is (200)."""
    action = AdoptPost(request.auth, url=payload.url, wording=payload.wording)
    post = action.run()
    out = {
        "post": post.pk,
        "url": _url(post.pk),
        "account": str(post.account),
        "adopted": not action.again,
    }
    return Status(200 if action.again else 201, out)


@router.get("/posts", response={200: s.PostList, **ERRORS}, summary="List posts")
@closed_query
def index(
    request,
    account: Annotated[s.Text | None, Query(description="PLATFORM:HANDLE")] = None,
    status: Annotated[s.Text | None, Query(description="live, corrected or deleted")] = None,
    kind: Annotated[s.Text | None, Query(description="post, apology, reply or statement")] = None,
    since: Annotated[s.Day | None, Query(description="First day, where the desk is.")] = None,
    until: Annotated[s.Day | None, Query(description="Last day, where the desk is.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=s.MAX_ID)] = 0,
):
    """Posts newest first, with their current wording (null once sealed)."""
    staff(request.auth, "read posts")
    found = listing.posts(account=account, status=status, kind=kind, since=since, until=until)
    page = list(found[offset : offset + limit])
    return {"count": found.count(), "posts": listing.rows(page)}


@router.get("/posts/{post_id}", response={200: s.History, **ERRORS}, summary="A post's history")
@closed_query
def history(request, post_id: s.Id):
    """A post's status and every revision; sealed wording is not shown."""
    staff(request.auth, "read posts")
    return post_history(post_id)


@router.post(
    "/posts/{post_id}/corrections",
    response={200: s.Corrected, 201: s.Corrected, **ERRORS},
    summary="Correct a post (or only see how it would be sent)",
)
def correct(request, post_id: s.Id, payload: s.CorrectIn):
    """Correct a post visibly: the wrong words struck through beside the right ones, with a
    dated note and the reason. The original wording is kept."""
    action = Correct(
        request.auth,
        post=post_id,
        text=payload.text,
        reason=payload.reason,
        anyway=payload.anyway,
        rationale=payload.rationale,
        as_reply=payload.as_reply,
        as_quote=payload.as_quote,
        plan_only=payload.plan_only,
    )
    revision = action.run()
    plan = action.plan.as_json()
    if revision is None:
        return Status(200, {"post": post_id, "revision": None, "plan": plan})
    return Status(201, {"post": revision.post_id, "revision": revision.n, "plan": plan})


@router.post(
    "/posts/{post_id}/apologies",
    response={200: s.Apology, 201: s.Apology, **ERRORS},
    summary="Apologise (or only check an apology)",
)
def apologise(request, post_id: s.Id, payload: s.ApologyIn):
    """Apologise on the post's own channel. The apology checker reports errors (which block
    unless ``anyway``) and warnings. With ``check``, nothing is published (200)."""
    action = Apologise(
        request.auth,
        post=post_id,
        text=payload.text,
        check=payload.check,
        anyway=payload.anyway,
        override_reason=payload.override_reason,
    )
    published = action.run()
    findings = [f.as_json() for f in action.findings]
    if published is None:
        return Status(200, {"post": None, "findings": findings})
    return Status(201, {"post": published.pk, "findings": findings})


@router.post(
    "/posts/{post_id}/replies", response={201: s.Replied, **ERRORS}, summary="Reply about a post"
)
def reply(request, post_id: s.Id, payload: s.ReplyIn):
    """Reply about a post. Refused once its incident is closed or its budget is spent, unless
    ``anyway``."""
    published = Reply(
        request.auth,
        post=post_id,
        text=payload.text,
        anyway=payload.anyway,
        override_reason=payload.override_reason,
    ).run()
    return Status(201, {"post": published.pk})
