"""The kill switch: pause all sending to the platforms at once, and resume it."""

from django.utils.translation import gettext

from amends.actions.base import Action
from amends.clock import now
from amends.delivery.models import Pause
from amends.desk.lookups import required_text
from amends.errors import Refused
from amends.notify import events
from amends.record import api as record
from amends.text.when import said

SUBJECT = "sending"


def _said_here(moment) -> str:
    """``moment`` as the page that asked reads it: its language, the configured zone."""
    from django.utils import timezone
    from django.utils.translation import get_language

    language = "cy" if get_language() == "cy" else "en"
    return said(moment, timezone.get_current_timezone(), language)


class PauseSending(Action):
    """Stop every delivery and retry now (the worker checks before each send), until someone
    resumes. Nothing is lost: what waits is sent once sending resumes."""

    roles = ("supervisor", "admin")
    verb = "pause sending"

    def __init__(self, actor, *, reason: str):
        super().__init__(actor)
        self.reason = reason

    def validate(self):
        required_text(self.reason, "reason", limit=2000)

    def apply(self) -> Pause:
        standing = Pause.standing()
        if standing is not None:
            raise Refused(
                f"sending: already paused by {standing.paused_by.username} at "
                f"{standing.paused_at:%d %b %Y %H:%M}",
                said=gettext("%(name)s already paused sending on %(when)s.")
                % {"name": standing.paused_by.username, "when": _said_here(standing.paused_at)},
            )
        pause = Pause.objects.create(paused_by=self.actor, paused_at=now(), reason=self.reason)
        record.append(
            "sending.paused",
            {"pause": pause.pk, "reason": self.reason},
            actor=self.actor_name,
            subject=SUBJECT,
        )
        return pause

    def after(self, result: Pause) -> Pause:
        events.safely(events.sending_paused, result)
        return result


class ResumeSending(Action):
    roles = ("supervisor", "admin")
    verb = "resume sending"

    def __init__(self, actor):
        super().__init__(actor)

    def apply(self) -> Pause:
        standing = list(Pause.objects.filter(resumed_at__isnull=True).order_by("pk"))
        if not standing:
            raise Refused(
                "sending: sending is not paused",
                said=gettext("Sending is not paused: there is nothing to resume."),
            )
        at = now()
        for pause in standing:
            pause.resumed_by, pause.resumed_at = self.actor, at
            pause.save()
            record.append(
                "sending.resumed",
                {
                    "pause": pause.pk,
                    "paused_for_seconds": int((at - pause.paused_at).total_seconds()),
                },
                actor=self.actor_name,
                subject=SUBJECT,
            )
        return standing[0]

    def after(self, result: Pause) -> Pause:
        events.safely(events.sending_resumed, result)
        return result
