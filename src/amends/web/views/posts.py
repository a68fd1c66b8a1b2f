from django.http import Http404


def index(request, **kwargs):
    raise Http404


def publish(request, **kwargs):
    raise Http404


def detail(request, **kwargs):
    raise Http404


def correct(request, **kwargs):
    raise Http404


def correct_preview(request, **kwargs):
    raise Http404


def apologise(request, **kwargs):
    raise Http404


def apology_check(request, **kwargs):
    raise Http404


def reply(request, **kwargs):
    raise Http404


def request_deletion(request, **kwargs):
    raise Http404
