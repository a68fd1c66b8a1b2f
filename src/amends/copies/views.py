"""The public Webmention endpoint (``POST /webmention``): answered at once, checked later."""

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from amends.copies import pingback
from amends.copies.webmention import receive


@csrf_exempt  # other sites post here; nothing is trusted until the source is fetched and read
@require_POST
def webmention(request):
    answer = receive(request.POST.get("source"), request.POST.get("target"))
    response = HttpResponse(
        answer.message + "\n", status=answer.status, content_type="text/plain; charset=utf-8"
    )
    if answer.retry_after is not None:
        response["Retry-After"] = str(answer.retry_after)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # as above: a Pingback 1.0 XML-RPC call, kept and checked like a Webmention
@require_POST
def pinged(request):
    if len(request.body) > pingback.LARGEST:
        return HttpResponse(
            f"The body must be at most {pingback.LARGEST} bytes\n",
            status=413,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(pingback.answer(request.body), content_type="text/xml; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
