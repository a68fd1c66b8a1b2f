from django.http import Http404


def today(request, **kwargs):
    raise Http404
