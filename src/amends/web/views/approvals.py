from django.http import Http404


def index(request, **kwargs):
    raise Http404


def decide(request, **kwargs):
    raise Http404
