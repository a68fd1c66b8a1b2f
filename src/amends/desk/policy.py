"""Policy: deletion grounds and response budgets, from settings. Pure lookups."""

from django.conf import settings

PLAIN_GROUNDS = {
    "illegal": "its content was unlawful to publish",
    "offensive": "it was offensive",
    "prejudicial": "it could have prejudiced an investigation or court proceedings",
}


def grounds() -> list[str]:
    return list(settings.DELETION_GROUNDS)


def ground_in_words(ground: str) -> str:
    return PLAIN_GROUNDS.get(ground, ground.replace("_", " "))


def budget(severity: str) -> int:
    return settings.RESPONSE_BUDGETS[severity]
