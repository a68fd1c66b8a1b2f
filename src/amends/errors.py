"""Errors a person can act on.

Every error Amends raises on purpose is an :class:`AmendsError`. Its message is one line that
names what is wrong and what is allowed; the command line prints it after ``error:``. Where the
browser says it otherwise (no field prefix, no ``--flag``, in the person's language), ``said``
carries those words too, so views stay thin.
"""


class AmendsError(Exception):
    """Base of every deliberate error. ``field`` names the input at fault, where there is one;
    ``status`` is the HTTP status the desk and the API answer it with."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None, said: str | None = None):
        super().__init__(message)
        self.field = field
        self.said = said

    @property
    def message(self) -> str:
        return str(self)


class BadInput(AmendsError, ValueError):
    """Input that is not of the allowed form. Nothing was changed."""


class NotFound(AmendsError, LookupError):
    """The thing named does not exist."""

    status = 404


class Refused(AmendsError):
    """The request is well formed but a rule forbids it (a hold, a missing purpose, ...)."""

    status = 409
