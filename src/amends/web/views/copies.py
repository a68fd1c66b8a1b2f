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
