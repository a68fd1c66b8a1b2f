"""Policy: deletion grounds and response budgets, from settings. Pure lookups."""

from django.conf import settings

PLAIN_GROUNDS = {
    "illegal": "its content was unlawful to publish",
    "offensive": "it was offensive",
    "prejudicial": "it could have prejudiced an investigation or court proceedings",
    "personal_data": "it gave away someone's personal details",
    "identified_person": "it identified someone the law protects from being named",
}


def grounds() -> list[str]:
    return list(settings.DELETION_GROUNDS)


def ground_in_words(ground: str) -> str:
    return PLAIN_GROUNDS.get(ground, ground.replace("_", " "))


def budget(severity: str) -> int:
    return settings.RESPONSE_BUDGETS[severity]


# What went wrong, in words, with what to do: shown beside each choice when an incident opens.
KIND_HINTS = {
    "fact": "A date, a place, a number or a word was wrong. Correct it visibly and say sorry.",
    "tone": "The tone or a joke was misjudged. Apologise plainly; no humour in any reply.",
    "harmful": (
        "It gave away personal data; identified a victim, a witness or a child (Sexual "
        "Offences (Amendment) Act 1992, Children and Young Persons Act 1933 s.49, Youth Justice "
        "and Criminal Evidence Act 1999 s.45); could prejudice proceedings; or was offensive or "
        "illegal. Take it down: a correction would show the words again."
    ),
}
SEVERITY_HINTS = {
    "minor": "A slip with no harm done. A light word in reply is allowed.",
    "serious": "People were misled or upset. No humour; a tighter reply budget.",
    "critical": "Harm to a person or a case. No humour; the tightest reply budget.",
}

# The five steps, in words (for messages and the desk).
STEP_NAMES = {
    "apologise": "apologise",
    "amend": "make amends (correct it)",
    "explain": "explain the deletion",
    "laugh": "laugh at yourself",
    "move_on": "move on",
}
