from django.http import Http404


def sealed(request, **kwargs):
    raise Http404


def unseal(request, **kwargs):
    raise Http404


def holds(request, **kwargs):
    raise Http404


def release(request, **kwargs):
    raise Http404
