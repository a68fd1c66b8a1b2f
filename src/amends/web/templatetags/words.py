"""``{{ value|translate_word }}``: a value the code keeps in English (a status, a severity) in
the page's language, for use inside ``{% blocktranslate with ... %}``. A builtin of the
templates (settings.TEMPLATES); the words are listed in :mod:`amends.web.vocabulary`."""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def translate_word(value) -> str:
    return gettext(str(value)) if value else ""


@register.filter
def finding_said(finding) -> str:
    """A checker's finding in the page's language (amends.web.findings)."""
    from amends.web.findings import said

    return said(finding)
