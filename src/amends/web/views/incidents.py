"""Incidents: the five steps as a guided flow, with the timeline from the record."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from amends.actions import (
    AddToIncident,
    AdoptPost,
    AssignIncident,
    CloseIncident,
    CorrectEverywhere,
    NoteIncident,
    OpenIncident,
    ProtectNames,
)
from amends.actions.channels import suggestions
from amends.actions.incidents import statement_findings
from amends.desk import incidents as rules
from amends.desk.models import Deletion, Incident, Post
from amends.desk.reports import incident_report
from amends.desk.roles import WRITERS, can_write, roles_of
from amends.errors import AmendsError
from amends.record import api as record
from amends.text import personal
from amends.web.access import desk_page
from amends.web.forms import flag, in_words, perform
from amends.web.fragments import key_for, versioned
from amends.web.pages import STEPS, detail_context, step_rows


@desk_page("author", "supervisor")
@require_POST
def open_incident(request, post_id: int):
    action = OpenIncident(
        request.user,
        post=post_id,
        kind=request.POST.get("kind", ""),
        severity=request.POST.get("severity", ""),
        summary=request.POST.get("summary", ""),
        rationale=request.POST.get("rationale", ""),
    )
    return perform(
        request,
        action,
        template="desk/posts/detail.html",
        context=detail_context(request, get_object_or_404(Post, pk=post_id)),
        done=lambda incident: reverse("desk:incident", args=[incident.pk]),
        said=lambda incident: gettext("Incident %(n)s opened.") % {"n": incident.pk},
    )


@desk_page()
def index(request):
    state = request.GET.get("state", "open")
    incidents = Incident.objects.select_related("post__account").order_by("-opened_at", "-pk")
    if state == "open":
        incidents = incidents.filter(closed_at__isnull=True)
    elif state == "closed":
        incidents = incidents.filter(closed_at__isnull=False)
    page = Paginator(incidents, 50).get_page(request.GET.get("page"))
    return render(request, "desk/incidents/index.html", {"page": page, "state": state})


def _since(report: dict, key: str) -> str | None:
    seconds = report[key]
    if seconds is None:
        return None
    minutes, _ = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return gettext("%(hours)s h %(minutes)s min") % {"hours": hours, "minutes": minutes}
    return gettext("%(minutes)s min") % {"minutes": minutes}


def _facts(incident: Incident) -> dict:
    """What the incident page shows that only actions change: its report (steps, budget,
    timeline from the record) and the post's status."""
    from amends.copies.conversation import posts_of, team_answers
    from amends.copies.register import copies_of

    report = incident_report(incident.pk)
    for event in report["timeline"]:
        event["when"] = datetime.fromisoformat(event["at"])
    post = incident.post
    return {
        "report": report,
        "steps": step_rows(report["steps"]),
        # The same message elsewhere: worked out with the rest, once per record version.
        "alike": [
            {"post": p.pk, "account": str(p.account), "wording": p.wording[:120]}
            for p, _ in (suggestions(incident) if incident.is_open else [])
        ],
        "time_to_apology": _since(report, "time_to_apology"),
        "time_to_correction": _since(report, "time_to_correction"),
        "post_status": post.status,
        "deleted": post.status == "deleted",
        # Each of these changes only by a recorded action, so it is kept with the rest.
        "pending": post.deletions.filter(status=Deletion.Status.PENDING).first(),
        "protected": len(incident.protected_names()),
        "redaction": post.redactions.first(),
        "owner": incident.owner.username if incident.owner_id else None,
        "notes": [
            {"text": n.text, "by": n.written_by.username, "at": n.written_at}
            for n in incident.notes.select_related("written_by").order_by("written_at", "pk")
        ],
        "writers": _writers() if incident.is_open else [],
        # The team's answers and the copies found are recorded when they happen (copy.found,
        # copy.gone, responses and corrections), so they are kept with the rest too.
        "answers": team_answers(incident),
        "copies": [{**c, "post": p.pk} for p in posts_of(incident) for c in copies_of(p)],
        "post_ids": [p.pk for p in posts_of(incident)],
    }


@desk_page()
def detail(request, incident_id: int):
    incident = get_object_or_404(Incident.objects.select_related("post__account"), pk=incident_id)
    # Kept under the record's version: any action that changes the incident, its post or its
    # responses grows the record, and the facts are worked out again.
    return render(request, "desk/incidents/detail.html", _detail(request, incident))


def _detail(request, incident: Incident) -> dict:
    version = record.version()
    key = key_for("incident", incident.pk, version, get_language())
    facts = versioned(key, lambda: _facts(incident))
    writer = can_write(request.user)
    return {
        "incident": incident,
        "post": incident.post,
        "can_write": writer,
        "can_note": bool(roles_of(request.user) & {"author", "supervisor", "auditor"}),
        **facts,
        "conversation": _conversation(incident, facts, version),
        "writers": facts["writers"] if writer else [],
    }


def _conversation(incident: Incident, facts: dict, version) -> dict:
    """What the public did about the incident, hour by hour, and what it says about answering
    again. The public's activity is not a record change (the worker gathers it, every five
    minutes at the most), so it is not kept with the facts but for the minute, in each process:
    twenty people on the page cost one working-out a minute. What is still waiting to be read
    is counted each time (marking a mention handled is not recorded either)."""
    from django.utils import timezone

    from amends.copies.models import Mention

    zone = timezone.get_current_timezone()
    minute = timezone.now().strftime("%Y%m%d%H%M")
    key = key_for("conversation", incident.pk, version, get_language(), str(zone), minute)
    public = versioned(key, lambda: _public(incident, facts, zone))
    waiting = Mention.objects.filter(post_id__in=facts["post_ids"], handled_at__isnull=True)
    return {**public, "waiting": waiting.count()}


def _public(incident: Incident, facts: dict, zone) -> dict:
    from amends.copies.conversation import advice, signal
    from amends.web.conversation_chart import chart

    answers, report = facts["answers"], facts["report"]
    hours, found = signal(incident, answers=answers)
    answered = {a.astimezone(zone).replace(minute=0, second=0, microsecond=0) for a in answers}
    busy = [h for h in hours if h.total or h.hour.astimezone(zone) in answered]
    return {
        "chart": chart(
            hours,
            answers,
            zone,
            apology=_after(incident, report["time_to_apology"]),
            correction=_after(incident, report["time_to_correction"]),
        )
        if any(h.total for h in hours)
        else "",
        "rows": [{"hour": h, "answered": h.hour.astimezone(zone) in answered} for h in busy[-72:]],
        "advice": advice(found, zone),
        "state": found.state,
        "watching": _watching(facts["post_ids"]),
    }


def _after(incident: Incident, seconds: int | None):
    """The moment ``seconds`` after the incident's post went out (the report counts from it)."""
    from datetime import timedelta

    return None if seconds is None else incident.post.created_at + timedelta(seconds=seconds)


def _watching(post_ids: list[int]) -> list[dict]:
    """Each platform the incident's posts are watched on: when it was last looked at, how
    often, what went wrong, and (for X, which bills each read) what it has cost."""
    from decimal import Decimal

    from django.conf import settings

    from amends.connectors import CONNECTORS
    from amends.copies.models import Gathering

    rows = []
    watched = Gathering.objects.filter(account__posts__in=post_ids).distinct()
    for state in watched.select_related("account"):
        platform = state.account.platform
        price = settings.X_READ_PRICE if platform == "x" else None
        rows.append(
            {
                "platform": CONNECTORS[platform].label,
                "account": str(state.account),
                "looked_at": state.looked_at,
                "minutes": max(1, state.interval // 60),
                "problem": state.problem,
                "reads": state.reads if platform == "x" else None,
                "cost": f"{Decimal(price) * state.reads:.2f}" if price else None,
            }
        )
    return rows


def _writers() -> list[str]:
    """Whom an incident can be handed to: the active authors and supervisors."""
    return list(
        User.objects.filter(is_active=True, groups__name__in=WRITERS)
        .order_by("username")
        .values_list("username", flat=True)
        .distinct()
    )


@desk_page("supervisor")
@require_http_methods(["GET", "POST"])
def close(request, incident_id: int):
    """Move on: the final statement (checked, with a preview), the rationale, and for each step
    not done, why it was not needed. "Check" only checks; "Publish and close" closes."""
    incident = get_object_or_404(Incident, pk=incident_id)
    undone = [
        {
            "step": s.step,
            "title": STEPS[s.step][0],
            "value": request.POST.get(f"not_needed_{s.step}", ""),
        }
        for s in rules.steps(incident)
        if s.status == "to do" and s.step != "move_on"
    ]
    context = {"incident": incident, "budget_used": rules.budget_used(incident), "undone": undone}
    if request.method == "GET":
        return render(request, "desk/incidents/close.html", context)
    checking = request.POST.get("check") == "1"
    statement = request.POST.get("statement", "")
    context["findings"] = statement_findings(incident, statement)
    context["personal"] = personal.find(statement)
    context["checked"] = checking
    action = CloseIncident(
        request.user,
        incident=incident.pk,
        statement=statement,
        rationale=request.POST.get("rationale", ""),
        not_needed={u["step"]: u["value"] for u in undone if u["value"].strip()},
        check=checking,
        anyway=flag(request, "anyway"),
        override_reason=request.POST.get("override_reason", ""),
    )
    if checking:
        try:
            action.run()
        except AmendsError as error:
            context.update(error=in_words(error), error_field=error.field)
        context["form"] = request.POST
        return render(request, "desk/incidents/close.html", context)
    return perform(
        request,
        action,
        template="desk/incidents/close.html",
        context=context,
        done=lambda closed: reverse("desk:incident", args=[closed.pk]),
        said=lambda closed: (
            gettext("Incident %(n)s closed. Move on: no more replies.") % {"n": closed.pk}
        ),
    )


@desk_page("author", "supervisor")
@require_POST
def protect(request, incident_id: int):
    """Replace the incident's protected names (one per line). They are never shown again."""
    incident = get_object_or_404(Incident.objects.select_related("post__account"), pk=incident_id)
    names = [n.strip() for n in request.POST.get("names", "").splitlines() if n.strip()]
    return perform(
        request,
        ProtectNames(request.user, incident=incident.pk, names=names),
        template="desk/incidents/detail.html",
        context=_detail(request, incident),
        done=lambda done: reverse("desk:incident", args=[done.pk]),
        said=lambda done: (
            ngettext(
                "%(n)s protected name saved. Nothing about this incident can be published with "
                "it in it.",
                "%(n)s protected names saved. Nothing about this incident can be published with "
                "one of them in it.",
                len(names),
            )
            % {"n": len(names)}
        ),
    )


@desk_page("author", "supervisor")
@require_POST
def add_post(request, incident_id: int):
    """Add another channel's post: one suggested (by number) or a pasted link (adopted)."""
    incident = get_object_or_404(Incident, pk=incident_id)
    try:
        post = request.POST.get("post", "")
        if not post.isdigit():
            post = AdoptPost(request.user, url=request.POST.get("url", "")).run().pk
        AddToIncident(request.user, incident=incident.pk, post=int(post)).run()
    except AmendsError as error:
        messages.error(request, in_words(error))
    else:
        messages.success(
            request,
            gettext("Post %(post)s added: the five steps now cover it too.") % {"post": post},
        )
    return redirect("desk:incident", incident_id=incident.pk)


@desk_page("author", "supervisor")
@require_http_methods(["GET", "POST"])
def correct_everywhere(request, incident_id: int):
    incident = get_object_or_404(Incident.objects.select_related("post__account"), pk=incident_id)
    context = {"incident": incident, "channels": incident.posts()}
    if request.method == "GET":
        return render(request, "desk/incidents/correct.html", context)
    action = CorrectEverywhere(
        request.user,
        incident=incident.pk,
        text=request.POST.get("text", ""),
        reason=request.POST.get("reason", ""),
        rationale=request.POST.get("rationale", ""),
    )
    return perform(
        request,
        action,
        template="desk/incidents/correct.html",
        context=context,
        done=lambda _: reverse("desk:incident", args=[incident.pk]),
        said=lambda revisions: gettext("Corrected on %(n)s channels.") % {"n": len(revisions)},
    )


@desk_page("author", "supervisor")
@require_POST
def assign(request, incident_id: int):
    """Hand the incident to another author or supervisor."""
    incident = get_object_or_404(Incident.objects.select_related("post__account"), pk=incident_id)
    to = request.POST.get("owner", "")
    return perform(
        request,
        AssignIncident(request.user, incident=incident.pk, to=to),
        template="desk/incidents/detail.html",
        context=_detail(request, incident),
        done=lambda done: reverse("desk:incident", args=[done.pk]),
        said=lambda done: (
            gettext("%(owner)s now owns incident %(n)s.")
            % {"owner": done.owner.username, "n": done.pk}
        ),
    )


@desk_page("author", "supervisor", "auditor")
@require_POST
def note(request, incident_id: int):
    """An internal note for the team; never published."""
    incident = get_object_or_404(Incident.objects.select_related("post__account"), pk=incident_id)
    return perform(
        request,
        NoteIncident(request.user, incident=incident.pk, text=request.POST.get("text", "")),
        template="desk/incidents/detail.html",
        context=_detail(request, incident),
        done=lambda done: reverse("desk:incident", args=[incident.pk]) + "#notes",
        said=lambda done: gettext("Note added. Only the team sees it; the record keeps it."),
    )


@desk_page()
def review(request, incident_id: int):
    """The incident review, for the weekly meeting: a page to read or print, and its PDF."""
    from django.http import HttpResponse
    from django.utils import timezone

    from amends.copies.review import review as reviewed
    from amends.copies.review import took
    from amends.copies.review_pdf import pdf
    from amends.web.conversation_chart import chart

    incident = get_object_or_404(Incident.objects.select_related("post__account"), pk=incident_id)
    zone = timezone.get_current_timezone()
    found = reviewed(incident, zone)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(pdf(found, zone), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="incident-{incident.pk}-review.pdf"'
        )
        return response
    return render(
        request,
        "desk/incidents/review.html",
        {
            "incident": incident,
            "review": found,
            "took": {
                "apology": took(found.to_apology),
                "correction": took(found.to_correction),
                "removal": took(found.to_removal),
            },
            "chart": chart(
                found.hours,
                found.answers,
                zone,
                apology=found.made_at + found.to_apology if found.to_apology else None,
                correction=found.made_at + found.to_correction if found.to_correction else None,
            )
            if found.busiest
            else "",
            "busy": [h for h in found.hours if h.total][-72:],
        },
    )
