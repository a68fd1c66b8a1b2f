"""Copies on the desk: recording one on a post's page, and checking a screenshot or words found
somewhere against every post (which post, which revision), for a person to confirm."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from amends.actions import RecordCopy
from amends.errors import AmendsError, BadInput
from amends.web.access import desk_page
from amends.web.forms import in_words

LARGEST = 20 * 1024 * 1024


@desk_page("author", "supervisor", "auditor")
@require_POST
def record(request, post_id: int):
    from django.shortcuts import get_object_or_404

    from amends.desk.models import Post
    from amends.web.pages import detail_context

    revision = request.POST.get("revision", "")
    try:
        RecordCopy(
            request.user,
            post=post_id,
            url=request.POST.get("url", ""),
            found_by=request.POST.get("found_by", ""),
            revision=int(revision) if revision.isdigit() else None,
        ).run()
    except AmendsError as error:
        post = get_object_or_404(Post.objects.select_related("account"), pk=post_id)
        context = detail_context(request, post)
        context.update(
            copy_error=in_words(error), copy_error_field=error.field, copy_form=request.POST
        )
        return render(request, "desk/posts/detail.html", context, status=error.status)
    messages.success(request, gettext("The copy is recorded."))
    return redirect(reverse("desk:post", args=[post_id]) + "#copies")


@desk_page()
@require_http_methods(["GET", "POST"])
def check(request):
    """A screenshot (read with OCR, English and Welsh) or words: the posts they most likely
    come from, best first. Nothing is recorded here."""
    from amends.copies.matching import match
    from amends.copies.reading import words_in
    from amends.desk.models import Post

    context: dict = {"form": request.POST}
    if request.method == "GET":
        return render(request, "desk/copies/check.html", context)
    upload = request.FILES.get("screenshot")
    words = request.POST.get("words", "")
    try:
        if upload is not None:
            if upload.size > LARGEST:
                raise BadInput("screenshot: must be at most 20 MB", field="screenshot",
                               said=gettext("Choose a screenshot smaller than 20 MB."))  # fmt: skip
            words = words_in(upload.read(), upload.name)
        elif not words.strip():
            raise BadInput(
                "words: choose a screenshot or paste the words you found",
                field="words",
                said=gettext("Choose a screenshot, or paste the words you found."),
            )
        found = match(words)
    except AmendsError as error:
        context.update(error=in_words(error), error_field=error.field, error_target="screenshot")
        return render(request, "desk/copies/check.html", context, status=error.status)
    posts = {p.pk: p for p in Post.objects.filter(pk__in=[m.post for m in found])}
    context.update(
        read=words,
        checked=True,
        matches=[
            {
                "post": posts[m.post],
                "revision": m.revision,
                "score": round(m.score * 100),
                "shows_error": m.shows_error,
                "found_by": "screenshot" if upload is not None else "text",
            }
            for m in found
            if m.post in posts
        ],
    )
    return render(request, "desk/copies/check.html", context)


def _words_for(post) -> str:
    """What to say beside a copy on a platform: the correction in words, or the notice that
    the post was taken down."""
    from django.utils import timezone

    from amends.actions.deletions import notice_for
    from amends.record import api as record
    from amends.text.render import plain_correction

    removal = post.removal
    if removal is not None:
        return notice_for(post, removal.ground, removal.explanation, removal.decided_at)
    latest = list(post.revisions.order_by("-n")[:2])
    if len(latest) < 2:
        return ""
    new, old = (record.read(r.seq).decode("utf-8") for r in latest)
    return plain_correction(
        old,
        new,
        at=latest[0].created_at,
        zone=timezone.get_default_timezone(),
        reason=latest[0].reason,
    )


@desk_page("author", "supervisor")
@require_http_methods(["GET", "POST"])
def notify(request, copy_id: int):
    """Tell the place a copy is of the correction: what will happen, the budget, and what the
    conversation says, before anything is done."""
    from django.shortcuts import get_object_or_404

    from amends.actions import NotifyCopy
    from amends.copies.conversation import advice, signal
    from amends.copies.models import KnownCopy
    from amends.copies.register import offer
    from amends.desk import incidents as rules
    from amends.web.forms import flag, perform

    copy = get_object_or_404(KnownCopy.objects.select_related("post__account"), pk=copy_id)
    incident = rules.incident_for(copy.post)
    context = {
        "copy": copy,
        "post": copy.post,
        "offer": offer(copy),
        "incident": incident,
        "words": _words_for(copy.post) if offer(copy) == "reply" else "",
    }
    if incident is not None:
        context["budget_used"] = rules.budget_used(incident)
        context["advice"] = advice(signal(incident)[1])
    if request.method == "GET":
        return render(request, "desk/copies/notify.html", context)
    action = NotifyCopy(
        request.user,
        copy=copy.pk,
        anyway=flag(request, "anyway"),
        override_reason=request.POST.get("override_reason", ""),
    )
    return perform(
        request,
        action,
        template="desk/copies/notify.html",
        context=context,
        done=lambda _: reverse("desk:post", args=[copy.post_id]) + "#copies",
        said=lambda _: (
            (
                gettext("A Webmention with the correction is on its way to that page.")
                if context["offer"] == "webmention"
                else gettext("Your reply beside that copy is recorded.")
            )
            + " "
            + gettext("It counts against the incident's response budget.")
        ),
    )


@desk_page()
def inbox(request, incident_id: int):
    """What the public said about an incident's posts: newest first, those no one has handled
    yet; with ?all=1, every one."""
    from django.shortcuts import get_object_or_404

    from amends.copies.conversation import advice, signal
    from amends.copies.inbox import inbox as listed
    from amends.desk.models import Incident
    from amends.desk.roles import can_write

    incident = get_object_or_404(Incident.objects.select_related("post"), pk=incident_id)
    everything = request.GET.get("all") == "1"
    return render(
        request,
        "desk/copies/inbox.html",
        {
            "incident": incident,
            "mentions": listed(incident, handled=everything),
            "everything": everything,
            "advice": advice(signal(incident)[1]),
            "can_write": can_write(request.user),
        },
    )


@desk_page("author", "supervisor")
@require_POST
def handled(request, mention_id: int):
    from django.shortcuts import get_object_or_404

    from amends.actions import HandleMention
    from amends.copies.models import Mention

    done = get_object_or_404(Mention.objects.select_related("post"), pk=mention_id)
    try:
        HandleMention(request.user, mention=done.pk).run()
    except AmendsError as error:
        messages.error(request, in_words(error))
    else:
        messages.success(request, gettext("Marked as handled."))
    from amends.desk import incidents as rules

    incident = rules.incident_for(done.post)
    if incident is None:
        return redirect(reverse("desk:post", args=[done.post_id]))
    return redirect(reverse("desk:inbox", args=[incident.pk]))
