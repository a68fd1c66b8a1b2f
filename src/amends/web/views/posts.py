"""Posts: the list with search and filters, a post's whole history, and the composers."""

from datetime import date, datetime, time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods, require_POST

from amends.actions import (
    AdoptPost,
    Apologise,
    Correct,
    Publish,
    PublishRedacted,
    RemoveNow,
    Reply,
    RequestDeletion,
)
from amends.actions.posts import limit_of
from amends.connectors import CONNECTORS, links
from amends.delivery import outbox
from amends.desk import incidents as rules
from amends.desk import listing, policy
from amends.desk.lookups import current_text
from amends.desk.models import Account, Post
from amends.errors import AmendsError, BadInput
from amends.record import api as record
from amends.text import personal
from amends.text.apology import check_apology
from amends.text.diff import word_diff
from amends.text.render import correction_html, plain_correction
from amends.text.when import said
from amends.web.access import desk_page, refused
from amends.web.forms import flag, in_words, perform
from amends.web.later import Later
from amends.web.pages import AfterStep, detail_context

PAGE_SIZE = 50
STATUSES = listing.STATUSES
KINDS = listing.KINDS


def _day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{field}: must be a date like 2026-05-14 (got {value!r})") from None


def search(params) -> tuple[object, dict, str | None]:
    """Posts matching the filters in ``params``, newest first, and the filters as understood.
    A filter that cannot be understood gives no posts and one line saying why."""
    filters = {
        name: params.get(name, "").strip()[:200]
        for name in ("q", "account", "status", "kind", "since", "until")
    }
    try:
        found = listing.posts(
            words=filters["q"],
            account=filters["account"],
            status=filters["status"],
            kind=filters["kind"],
            since=_day(filters["since"], "since"),
            until=_day(filters["until"], "until"),
        )
    except (BadInput, ValueError) as error:
        return Post.objects.none(), filters, str(error)
    return found, filters, None


def midnight(day: date) -> datetime:
    """The start of ``day`` where the desk is (AMENDS_TIME_ZONE)."""
    return timezone.make_aware(datetime.combine(day, time.min))


@desk_page()
def index(request):
    posts, filters, error = search(request.GET)
    number = request.GET.get("page", "")[:20]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        # The page of posts is the same for everyone until the record grows: it is cached
        # under the record's version with the filters, and worked out only on a miss.
        "results": Later(lambda: Paginator(posts, PAGE_SIZE).get_page(number)),
        "version": record.version(),
        "results_key": repr((sorted(filters.items()), number)),
        "filters": filters,
        "error": error,
        "query": query.urlencode(),
        "accounts": Account.objects.order_by("platform", "handle"),
        "statuses": STATUSES,
        "kinds": KINDS,
    }
    # The results alone for search-as-you-type (static/desk/search.js), else the whole page;
    # a cache must keep the two apart.
    template = "desk/posts/_results.html" if request.htmx else "desk/posts/index.html"
    response = render(request, template, context, status=400 if error else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


@desk_page("author", "supervisor")
@require_http_methods(["GET", "POST"])
def publish(request):
    context = {"accounts": Account.objects.order_by("platform", "handle")}
    if request.method == "GET":
        return render(request, "desk/posts/publish.html", context)
    action = Publish(
        request.user,
        account=request.POST.get("account", ""),
        text=request.POST.get("text", ""),
        language=request.POST.get("language", "en"),
        twin_text=request.POST.get("twin_text", ""),
        twin_account=request.POST.get("twin_account", ""),
    )
    return perform(
        request,
        action,
        template="desk/posts/publish.html",
        context=context,
        done=lambda post: reverse("desk:post", args=[post.pk]),
        said=lambda post: (
            gettext("Published post %(post)s on %(account)s.")
            % {"post": post.pk, "account": post.account}
            + (
                " "
                + gettext("Its twin in the other language is post %(twin)s.")
                % {"twin": post.pair_id}
                if post.pair_id
                else ""
            )
        ),
    )


def _post(post_id: int) -> Post:
    return get_object_or_404(Post.objects.select_related("account", "in_reply_to"), pk=post_id)


@desk_page()
def detail(request, post_id: int):
    context = detail_context(request, _post(post_id))
    # A match from "Check a copy" fills in how it was found and which revision it shows.
    context["copy_form"] = {k: request.GET.get(k, "") for k in ("found_by", "revision")}
    return render(request, "desk/posts/detail.html", context)


def _composer(post: Post) -> dict:
    return {
        "post": post,
        "incident": rules.incident_for(post),
        "wording": current_text(post) if post.status != "deleted" else "",
    }


def _correction_preview(
    post: Post, new: str, reason: str, as_reply: bool = False, as_quote: bool = False
) -> dict:
    old = current_text(post)
    at = timezone.localtime()
    changed = bool(new) and new != old
    plan = (
        outbox.plan(post, old, new, reason, as_reply=as_reply, as_quote=as_quote, at=at)
        if changed
        else None
    )
    zone = timezone.get_default_timezone()
    plain = (
        plain_correction(old, new, at=at, zone=zone, reason=reason) if new and new != old else ""
    )
    lengths = []
    for cls in CONNECTORS.values():
        if cls.capabilities.markup:
            continue
        measure = cls(cls.name, {}, {}).measure(plain)
        lengths.append({"platform": cls.label, "measure": measure, "over": not measure.fits})
    return {
        "html": correction_html(old, new) if new else "",
        # What the wrong wording and the new one may give away about someone.
        "personal": personal.find(f"{old}\n{new}" if new else old),
        "changed": bool(new)
        and new != old
        and any(op.kind != "equal" for op in word_diff(old, new)),
        "plain": plain,
        "plain_length": len(plain),
        "lengths": lengths,
        "reason": reason,
        "at": at,
        "plan": plan,
        "account": post.account,
    }


def _offers_reply(post: Post) -> bool:
    """A platform that edits in place can take the correction as a reply instead."""
    connector = CONNECTORS[post.account.platform]
    return not connector.local and connector.capabilities.edit


def _offers_quote(post: Post) -> bool:
    return CONNECTORS[post.account.platform].capabilities.quote


@desk_page("author", "supervisor")
@require_http_methods(["GET", "POST"])
def correct(request, post_id: int):
    post = _post(post_id)
    if request.method == "GET" and post.status == "deleted":
        # As the correction itself answers: a deleted post is never corrected (its wording is
        # sealed; the notice says why it came down).
        return refused(
            request,
            f"Post {post.pk} was deleted, so it cannot be corrected. "
            "Its public notice says why it was removed.",
            status=409,
        )
    context = _composer(post)
    if request.method == "GET":
        context["preview"] = _correction_preview(post, context["wording"], "")
        context["offers_reply"] = _offers_reply(post)
        context["offers_quote"] = _offers_quote(post)
        return render(request, "desk/posts/correct.html", context)
    new, reason = request.POST.get("text", ""), request.POST.get("reason", "")
    as_reply, as_quote = flag(request, "as_reply"), flag(request, "as_quote")
    context["offers_reply"] = _offers_reply(post)
    context["offers_quote"] = _offers_quote(post)
    context["preview"] = (
        _correction_preview(post, new, reason, as_reply, as_quote)
        if post.status != "deleted"
        else {}
    )
    action = Correct(
        request.user,
        post=post.pk,
        text=new,
        reason=reason,
        anyway=flag(request, "anyway"),
        rationale=request.POST.get("override_reason", ""),
        as_reply=as_reply,
        as_quote=as_quote,
    )
    after = AfterStep(post)
    return perform(
        request,
        action,
        template="desk/posts/correct.html",
        context=context,
        done=after.url,
        said=lambda revision: (
            gettext("Corrected post %(post)s: revision %(n)s is public.")
            % {"post": post.pk, "n": revision.n}
            + _twin(post)
            + after.next
        ),
    )


def _twin(post: Post) -> str:
    """For one of a bilingual pair: a reminder that the other language says the same."""
    twin = post.pair
    if twin is None or twin.status == "deleted":
        return ""
    if twin.language == "cy":
        reminder = gettext("Its Welsh twin, post %(twin)s, still says the same: correct it too.")
    else:
        reminder = gettext("Its English twin, post %(twin)s, still says the same: correct it too.")
    return " " + reminder % {"twin": twin.pk}


@desk_page("author", "supervisor")
@require_POST
def correct_preview(request, post_id: int):
    post = _post(post_id)
    if post.status == "deleted":
        return HttpResponse(status=409)
    preview = _correction_preview(
        post,
        request.POST.get("text", ""),
        request.POST.get("reason", ""),
        flag(request, "as_reply"),
        flag(request, "as_quote") and _offers_quote(post),
    )
    return render(
        request, "desk/posts/_correction_preview.html", {"preview": preview, "post": post}
    )


def _findings(post: Post, text: str) -> list:
    return check_apology(text, limit=limit_of(post.account)) if text.strip() else []


@desk_page("author", "supervisor")
@require_http_methods(["GET", "POST"])
def apologise(request, post_id: int):
    post = _post(post_id)
    context = _composer(post)
    if request.method == "GET":
        return render(request, "desk/posts/apologise.html", context)
    text = request.POST.get("text", "")
    context["findings"] = _findings(post, text)
    action = Apologise(
        request.user,
        post=post.pk,
        text=text,
        anyway=flag(request, "anyway"),
        override_reason=request.POST.get("override_reason", ""),
    )
    after = AfterStep(post)
    return perform(
        request,
        action,
        template="desk/posts/apologise.html",
        context=context,
        done=after.url,
        said=lambda apology: (
            gettext("Apology published as post %(post)s.") % {"post": apology.pk} + after.next
        ),
    )


@desk_page("author", "supervisor")
@require_POST
def apology_check(request, post_id: int):
    post = _post(post_id)
    text = request.POST.get("text", "")
    findings = _findings(post, text)
    context = {"findings": findings, "checked": True, "personal": personal.find(text)}
    return render(request, "desk/posts/_findings.html", context)


@desk_page("author", "supervisor")
@require_http_methods(["GET", "POST"])
def reply(request, post_id: int):
    post = _post(post_id)
    context = _composer(post)
    context["laugh"] = request.GET.get("laugh") == "1" or flag(request, "laugh")
    if context["incident"] is not None:
        context["budget_used"] = rules.budget_used(context["incident"])
    if request.method == "GET":
        return render(request, "desk/posts/reply.html", context)
    action = Reply(
        request.user,
        post=post.pk,
        text=request.POST.get("text", ""),
        anyway=flag(request, "anyway"),
        override_reason=request.POST.get("override_reason", ""),
    )
    after = AfterStep(post)
    return perform(
        request,
        action,
        template="desk/posts/reply.html",
        context=context,
        done=after.url,
        said=lambda response: (
            gettext("Reply published as post %(post)s.") % {"post": response.pk} + after.next
        ),
    )


def _other_channels(post) -> list:
    """The incident's other posts still up: what "every channel" would also take down."""
    incident = rules.incident_for(post)
    if incident is None:
        return []
    return [p for p in incident.posts() if p.pk != post.pk and p.removal is None]


def _said(moment) -> str:
    """A moment as a message says it, in the page's language."""
    return said(moment, timezone.get_current_timezone(), "cy" if get_language() == "cy" else "en")


def _taken(deletion) -> str:
    posts = [deletion.post_id, *deletion.parts.order_by("pk").values_list("post_id", flat=True)]
    if len(posts) == 1:
        return gettext("Post %(post)s is taken down") % {"post": posts[0]}
    listed = ", ".join(map(str, posts[:-1]))
    return gettext("Posts %(posts)s and %(last)s are each taken down") % {
        "posts": listed,
        "last": posts[-1],
    }


@desk_page("author", "supervisor")
@require_http_methods(["GET", "POST"])
def request_deletion(request, post_id: int):
    post = _post(post_id)
    context = {
        "post": post,
        "grounds": [
            (g, gettext(g.replace("_", " ").capitalize()), gettext(policy.ground_in_words(g)))
            for g in policy.grounds()
        ],
        "wording": post.wording,
        "review_hours": settings.REVIEW_HOURS,
        "channels": _other_channels(post),
    }
    if request.method == "GET":
        return render(request, "desk/posts/delete.html", context)
    urgent = request.POST.get("urgent") == "1"
    action = (RemoveNow if urgent else RequestDeletion)(
        request.user,
        post=post.pk,
        ground=request.POST.get("ground", ""),
        explanation=request.POST.get("explanation", ""),
        rationale=request.POST.get("rationale", ""),
        everywhere=request.POST.get("everywhere") == "1",
    )
    after = AfterStep(post)
    return perform(
        request,
        action,
        template="desk/posts/delete.html",
        context=context,
        done=after.url,
        said=lambda deletion: (
            gettext(
                "%(taken)s: its public page now says why, and it is being deleted "
                "from the platform. Another supervisor must review your decision by %(due)s."
            )
            % {"taken": _taken(deletion), "due": _said(deletion.review_due)}
            + after.next
            if deletion.urgent
            else gettext("Deletion %(n)s requested; another supervisor must approve it.")
            % {"n": deletion.pk}
        ),
    )


@desk_page("author", "supervisor")
@require_http_methods(["GET", "POST"])
def redact(request, post_id: int):
    """The redacted version of a post taken down for harmful content: new wording only, never
    the old words struck through."""
    post = _post(post_id)
    context = {"post": post, "incident": rules.incident_for(post)}
    if request.method == "GET":
        return render(request, "desk/posts/redact.html", context)
    action = PublishRedacted(
        request.user,
        post=post.pk,
        text=request.POST.get("text", ""),
        reason=request.POST.get("reason", ""),
    )
    return perform(
        request,
        action,
        template="desk/posts/redact.html",
        context=context,
        done=lambda published: reverse("desk:post", args=[published.pk]),
        said=lambda published: (
            gettext("Redacted version published as post %(post)s.") % {"post": published.pk}
        ),
    )


@desk_page("author", "supervisor")
@require_POST
def adopt(request):
    """Bring in a post made outside Amends from its pasted link (Today and the posts page);
    words that are not a link search the posts Amends knows."""
    pasted = request.POST.get("url", "").strip()
    if pasted and links.split(pasted) is None:
        return redirect(reverse("desk:posts") + "?" + urlencode({"q": pasted[:200]}))
    action = AdoptPost(
        request.user, url=request.POST.get("url", ""), wording=request.POST.get("wording", "")
    )
    try:
        post = action.run()
    except AmendsError as error:
        messages.error(request, in_words(error))
        return redirect((request.POST.get("back") == "posts" and "desk:posts") or "desk:today")
    if action.again:
        messages.success(
            request, gettext("Amends already knows this post: post %(post)s.") % {"post": post.pk}
        )
    else:
        messages.success(
            request,
            gettext("Post %(post)s adopted: its wording on %(account)s is captured.")
            % {"post": post.pk, "account": post.account},
        )
    return redirect("desk:post", post_id=post.pk)
