"""Public pages. Thin: they read through the record's API and present it."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from amends.record import api as record
from amends.record.keys import signing_store


@require_GET
def home(request):
    checkpoint = record.latest_checkpoint()
    return render(
        request,
        "site/home.html",
        {"size": record.size(), "checkpoint": checkpoint},
    )


@require_GET
def checkpoint(request):
    """The latest signed checkpoint, as a C2SP signed note."""
    latest = record.latest_checkpoint()
    if latest is None:
        return HttpResponse("no checkpoint yet\n", status=404, content_type="text/plain")
    return HttpResponse(latest.note, content_type="text/plain; charset=utf-8")


@require_GET
def key(request):
    """The verifier key that signs checkpoints (``<name>+<hash>+<key>``)."""
    verifier = signing_store().signer().verifier
    return HttpResponse(f"{verifier}\n", content_type="text/plain; charset=utf-8")
