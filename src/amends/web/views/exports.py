"""Evidence packs from the desk: an auditor names a post, an incident or an account, a purpose
and a reference, and downloads the pack. The export is recorded before the pack is written; the
file is handed over once and not kept on the server (it may hold sealed wording)."""

from pathlib import Path

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from amends.actions import ExportPack
from amends.errors import AmendsError
from amends.evidence.download import handed_over
from amends.record import api as record
from amends.web.access import desk_page
from amends.web.forms import in_words

KINDS = ("incident", "post", "account")


def _recent(limit: int = 50) -> list[record.Leaf]:
    """Every recorded export, newest first."""
    return record.latest_of_kind("export.created", limit)


def export_action(user, form, output: Path) -> ExportPack:
    kind = form.get("kind", "")
    subject = (form.get("subject") or "").strip()
    asked = {k: (subject if k == kind else None) for k in KINDS}
    if kind not in KINDS:
        asked = {k: None for k in KINDS}
    return ExportPack(
        user,
        purpose=form.get("purpose", ""),
        reference=form.get("reference", ""),
        output=output,
        **asked,
    )


@desk_page("auditor")
@require_http_methods(["GET", "POST"])
def exports(request):
    context = {"kinds": KINDS, "recent": _recent(), "form": request.POST}
    if request.method == "GET":
        context["form"] = {"kind": request.GET.get("kind", "incident"), **request.GET.dict()}
        return render(request, "desk/exports/index.html", context)
    try:
        return handed_over(lambda output: export_action(request.user, request.POST, output))
    except AmendsError as error:
        context.update(error=in_words(error), error_field=error.field)
        return render(request, "desk/exports/index.html", context, status=error.status)
