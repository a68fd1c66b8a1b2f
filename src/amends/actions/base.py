"""The action base class and the errors actions raise."""

import logging
from typing import ClassVar

from django.contrib.auth.models import User
from django.db import transaction

from amends.desk.roles import roles_of
from amends.errors import AmendsError, BadInput, Refused

logger = logging.getLogger(__name__)


class Forbidden(AmendsError):
    """The person acting may not do this."""

    status = 403


class PolicyViolation(Refused):
    """A rule of good practice forbids this (a hold, the budget, the tone guard...)."""


def require_override_reason(anyway: bool, reason: str, field: str = "reason") -> None:
    """An override of a checker (``--anyway``, the desk's checkbox) needs a reason: it is
    recorded and shown beside the step it made done."""
    from amends.desk.lookups import required_text

    if anyway:
        if not isinstance(reason, str) or not reason.strip():
            raise BadInput(
                f"{field}: say why you override the checker; the reason is recorded and shown "
                "beside the step",
                field=field,
            )
        required_text(reason, field, limit=2000)


class Action:
    """Subclasses set ``roles`` and implement :meth:`apply`; :meth:`validate`,
    :meth:`authorize`, :meth:`before` and :meth:`after` as needed. :meth:`run` is the one
    order every action keeps:

    1. ``validate()`` — the input alone;
    2. ``before()`` — outside the transaction: asking a platform, checking a code or a password
       whose failure must stay counted;
    3. in one transaction: ``authorize()`` then ``apply()`` (the change and its record entry);
    4. after the commit: the public pages touched are rendered, then ``after(result)`` (reading
       sealed text once its access is committed, writing a pack once its export is).
    """

    roles: ClassVar[tuple[str, ...]] = ()
    verb: ClassVar[str] = "do this"
    # The transaction may not sit inside another (an export must be committed, not nested).
    durable: ClassVar[bool] = False

    def __init__(self, actor: User | None):
        self.actor = actor
        self.pages: set[str] = set()

    def validate(self) -> None:
        """Check the input alone. Raise BadInput; touch nothing."""

    def authorize(self) -> None:
        """Check who may act. Runs inside the transaction, after validate()."""
        if self.actor is None or not self.actor.is_active:
            raise Forbidden(f"as: a signed-in user is needed to {self.verb}", field="as")
        if self.roles and not roles_of(self.actor) & set(self.roles):
            allowed = " or ".join(self.roles)
            raise Forbidden(f"as: only {allowed} may {self.verb}; {self.actor.username} may not")

    def before(self) -> None:
        """Work outside the transaction, before it (see the class docstring)."""

    def apply(self):
        raise NotImplementedError

    def after(self, result):
        """Work after the commit; what it returns is what ``run()`` returns."""
        return result

    @property
    def actor_name(self) -> str | None:
        return self.actor.username if self.actor else None

    def touch(self, *pages: str) -> None:
        """Public pages to re-render once the change is committed."""
        self.pages.update(pages)

    def run(self):
        self.validate()
        self.before()
        with transaction.atomic(durable=self.durable):
            self.authorize()
            result = self.apply()
        self._render()
        from amends.ops.metrics import ACTIONS

        ACTIONS.labels(type(self).__name__).inc()
        return self.after(result)

    def _render(self) -> None:
        if self.pages:
            from amends.site import render

            try:
                render.update(self.pages)
            except OSError:
                # The change is committed and recorded; a page that could not be written must
                # not make it look undone. `amends site render` writes every page again.
                logger.exception("public pages %s could not be rendered", sorted(self.pages))
