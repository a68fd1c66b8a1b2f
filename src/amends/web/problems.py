"""Showing a refusal beside the form field it names, on pages with several forms."""

from collections.abc import Iterable
from dataclasses import dataclass

from amends.actions.people import Throttled
from amends.errors import AmendsError


@dataclass(frozen=True)
class Problem:
    """What went wrong in one form of a page.

    ``field`` is set only when that form has the field; ``text`` is the message without the
    ``field:`` prefix that the command line needs and a page, showing it in place, does not.
    """

    form: str
    field: str | None
    text: str

    @property
    def field_id(self) -> str:
        """The id of the input at fault, as the templates name inputs: FORM-FIELD."""
        return f"{self.form}-{self.field}" if self.field else ""

    @property
    def target(self) -> str:
        """Where the summary at the top of the page links to: the input, else the form."""
        return self.field_id or self.form


def problem(
    error: AmendsError, form: str, fields: Iterable[str], *, aliases: dict | None = None
) -> Problem:
    """The problem ``error`` makes in ``form``; ``aliases`` maps an action's field names to the
    form's (an action speaks of ``account`` where the form asks for a handle)."""
    text = error.message
    if error.said:
        text = str(error.said)
    elif error.field:
        text = text.removeprefix(f"{error.field}: ")
    field = (aliases or {}).get(error.field, error.field)
    return Problem(form, field if field in set(fields) else None, text)


def status(error: AmendsError) -> int:
    """The status for a refusal; too many wrong codes is 429, as for too many sign-ins."""
    return 429 if isinstance(error, Throttled) else error.status
