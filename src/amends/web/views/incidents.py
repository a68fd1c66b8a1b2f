from django.http import Http404


def open_incident(request, **kwargs):
    raise Http404


def index(request, **kwargs):
    raise Http404


def detail(request, **kwargs):
    raise Http404


def close(request, **kwargs):
    raise Http404
