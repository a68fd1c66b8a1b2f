"""Following another force's log from the desk (auditors), as `amends monitor` does."""

from django.conf import settings

from amends.actions.base import Action
from amends.errors import BadInput


class FollowLog(Action):
    """Check a published log against what was seen of it before, and keep what is seen now.
    Nothing in this force's own record changes; what was seen is kept beside it
    (``AMENDS_HOME/monitor``), as the command line keeps it."""

    roles = ("auditor",)
    verb = "follow other forces' logs"

    def __init__(self, actor, *, url: str):
        super().__init__(actor)
        self.url = url if isinstance(url, str) else ""

    def validate(self):
        from amends.monitor.follow import base_of

        try:
            base_of(self.url)
        except ValueError as error:
            raise BadInput(str(error), field="url") from None

    def before(self):
        # Who may ask is checked before anything is fetched from elsewhere.
        self.authorize()
        from amends.monitor.follow import follow

        self.result = follow(
            self.url, settings.HOME / "monitor", stale_hours=settings.MONITOR_STALE_HOURS
        )

    def apply(self):
        return self.result
