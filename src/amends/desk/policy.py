"""Policy: deletion grounds and response budgets, from settings. Pure lookups.

The words here are English wherever they go out (a deletion notice on an English post); they are
marked so that the desk can show them in Welsh too (``gettext`` at display).
"""

from django.conf import settings
from django.utils.translation import gettext_noop

PLAIN_GROUNDS = {
    "illegal": gettext_noop("its content was unlawful to publish"),
    "offensive": gettext_noop("it was offensive"),
    "prejudicial": gettext_noop("it could have prejudiced an investigation or court proceedings"),
    "personal_data": gettext_noop("it gave away someone's personal details"),
    "identified_person": gettext_noop("it identified someone the law protects from being named"),
}


def grounds() -> list[str]:
    return list(settings.DELETION_GROUNDS)


def ground_in_words(ground: str) -> str:
    return PLAIN_GROUNDS.get(ground, ground.replace("_", " "))


def ground_in(ground: str, language: str) -> str:
    """The ground's words in ``language`` (``en`` or ``cy``): a Welsh post's notice and page."""
    from django.utils import translation

    with translation.override("cy" if language == "cy" else "en-gb"):
        return translation.gettext(ground_in_words(ground))


def budget(severity: str) -> int:
    return settings.RESPONSE_BUDGETS[severity]


# What went wrong, in words, with what to do: shown beside each choice when an incident opens.
KIND_HINTS = {
    "fact": gettext_noop(
        "A date, a place, a number or a word was wrong. Correct it visibly and say sorry."
    ),
    "tone": gettext_noop(
        "The tone or a joke was misjudged. Apologise plainly; no humour in any reply."
    ),
    "harmful": gettext_noop(
        "It gave away personal data; identified a victim, a witness or a child (Sexual "
        "Offences (Amendment) Act 1992, Children and Young Persons Act 1933 s.49, Youth Justice "
        "and Criminal Evidence Act 1999 s.45); could prejudice proceedings; or was offensive or "
        "illegal. Take it down: a correction would show the words again."
    ),
}
SEVERITY_HINTS = {
    "minor": gettext_noop("A slip with no harm done. A light word in reply is allowed."),
    "serious": gettext_noop("People were misled or upset. No humour; a tighter reply budget."),
    "critical": gettext_noop("Harm to a person or a case. No humour; the tightest reply budget."),
}

# The five steps, in words (for messages and the desk).
STEP_NAMES = {
    "apologise": "apologise",
    "amend": "make amends (correct it)",
    "explain": "explain the deletion",
    "laugh": "laugh at yourself",
    "move_on": "move on",
}
