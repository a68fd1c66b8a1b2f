"""``{{ moment|when }}``: a time as people read it (``3 December 2026 at 6:49pm GMT``, in the
configured zone and the page's language) inside ``<time>`` with its machine-readable value. A
builtin of the desk's templates (settings.TEMPLATES)."""

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language

from amends.text.when import machine, said

register = template.Library()


@register.filter
def when(moment):
    if not moment:
        return ""
    zone = timezone.get_current_timezone()
    language = "cy" if get_language() == "cy" else "en"
    said_here = said(moment, zone, language)
    return format_html('<time datetime="{}">{}</time>', machine(moment), said_here)
