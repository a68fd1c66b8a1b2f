"""The words the desk shows that are values, not sentences: a step's or a delivery's status, a
severity, a kind. The code keeps comparing the English values; a page shows them in the
person's language with ``{% translate value %}`` or ``value|translate_word``. Listed here so
that the translation catalogue holds each of them."""

from django.utils.translation import gettext_noop

WORDS = [
    # The steps of an incident.
    gettext_noop("to do"),
    gettext_noop("done"),
    gettext_noop("optional"),
    gettext_noop("not applicable"),
    gettext_noop("not needed"),
    # Severities and incident states.
    gettext_noop("minor"),
    gettext_noop("serious"),
    gettext_noop("critical"),
    gettext_noop("open"),
    gettext_noop("closed"),
    # What went wrong (the incident's kind, as its choices name it).
    gettext_noop("A wrong fact or wording"),
    gettext_noop("A tone or humour misjudgement"),
    gettext_noop("Harmful content"),
    # A post's status.
    gettext_noop("live"),
    gettext_noop("corrected"),
    gettext_noop("deleted"),
    # Kinds of post.
    gettext_noop("post"),
    gettext_noop("apology"),
    gettext_noop("reply"),
    gettext_noop("statement"),
    # A delivery's status.
    gettext_noop("pending"),
    gettext_noop("sending"),
    gettext_noop("failed"),
    gettext_noop("cancelled"),
    # How an attempt to deliver ended.
    gettext_noop("started"),
    gettext_noop("sent"),
    gettext_noop("found"),
    gettext_noop("retry"),
    # What an evidence pack is about.
    gettext_noop("account"),
    gettext_noop("incident"),
    # A deletion's status and its review.
    gettext_noop("rejected"),
    gettext_noop("withdrawn"),
    gettext_noop("confirmed"),
    gettext_noop("disagreed"),
    # The grounds for a deletion, as the deletion form names them.
    gettext_noop("Illegal"),
    gettext_noop("Offensive"),
    gettext_noop("Prejudicial"),
    gettext_noop("Personal data"),
    gettext_noop("Identified person"),
    # Why a delivery is made, where it is always the same.
    gettext_noop("a new post"),
    # Platforms as the desk names them, where a name is words, and what their accounts need.
    gettext_noop("Facebook Page"),
    gettext_noop("The force's own site (served by Amends)"),
    gettext_noop("Server"),
    gettext_noop("Password"),
    gettext_noop("PLC directory"),
    gettext_noop("Event stream"),
    gettext_noop("Page id"),
    gettext_noop("Token"),
    gettext_noop("Instagram account id"),
    gettext_noop("User name"),
    # Channels a person is told on.
    gettext_noop("Email"),
    # What a delivery does.
    gettext_noop("Publish"),
    gettext_noop("Edit"),
    gettext_noop("Thread"),
    gettext_noop("Quote"),
    gettext_noop("Delete"),
    gettext_noop("Notice"),
    # How a copy of a post was found.
    gettext_noop("webmention"),
    gettext_noop("pingback"),
    gettext_noop("quote"),
    gettext_noop("repost"),
    gettext_noop("mention"),
    gettext_noop("reply"),
    gettext_noop("archive"),
    gettext_noop("screenshot"),
    gettext_noop("text"),
]
