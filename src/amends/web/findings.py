"""What the apology checker and the personal-data check found, said in the page's language.

The checkers are pure text logic and speak English (the command line and the API show their
messages as they are); each finding also carries its code and the words it quotes, so a desk
page in Welsh says the same thing in Welsh. A finding with no Welsh form is shown as it is.
"""

from django.utils.translation import gettext, gettext_noop

from amends.text import apology, personal

# The apology checker's findings by code (the English is the checker's own message).
APOLOGY = {
    "no_apology": gettext_noop("no explicit apology: say “sorry” or “we apologise” plainly"),
    "conditional": gettext_noop(
        "conditional or minimising apology (“%(found)s”): apologise for what was done, not "
        "for how people feel about it"
    ),
    "passive": gettext_noop("passive evasion (“%(found)s”): say who got it wrong — we did"),
    "blame": gettext_noop("shifts the blame (“%(found)s”): the force posted it and owns it"),
    "not_specific": gettext_noop(
        "does not say what was wrong: name the mistake (“the date we gave was wrong”)"
    ),
    "too_long": gettext_noop("too long for the platform: %(found)s of %(limit)s allowed"),
}
# What personal data each kind is, and the two things the check says about it.
PERSONAL = {
    "phone": gettext_noop("a phone number"),
    "address": gettext_noop("a home address"),
    "vehicle": gettext_noop("a vehicle registration"),
    "email": gettext_noop("an email address"),
    "birth": gettext_noop("a date of birth"),
    "name": gettext_noop("a protected name"),
}
PROTECTED = gettext_noop(
    "“%(found)s” looks like %(what)s from this incident. Take it out: a protected person must "
    "not be identified."
)
PERSONAL_DATA = gettext_noop(
    "“%(found)s” looks like %(what)s. Take it out unless the person has agreed to it being "
    "published."
)


def said(finding) -> str:
    if isinstance(finding, personal.Finding) and finding.kind in PERSONAL:
        words = PROTECTED if finding.kind == "name" else PERSONAL_DATA
        return gettext(words) % {"found": finding.found, "what": gettext(PERSONAL[finding.kind])}
    if isinstance(finding, apology.Finding) and finding.code in APOLOGY:
        return gettext(APOLOGY[finding.code]) % {"found": finding.found, "limit": finding.limit}
    return finding.message
