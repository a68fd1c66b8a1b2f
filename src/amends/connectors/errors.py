"""The one error type at the platform boundary. The HTTP seam raises it and every connector
uses it; it imports nothing of theirs."""


class PlatformError(Exception):
    """A platform refused or failed a request.

    ``permanent`` means that sending the same request again cannot succeed (bad credentials, a
    post that no longer exists, text the platform will never accept). Only errors a platform
    documents as permanent are marked so; an unknown 4xx is not assumed permanent, and network
    failures, timeouts, 429 and 5xx never are.
    """

    def __init__(self, message: str, *, permanent: bool = False, status: int | None = None):
        super().__init__(message)
        self.message, self.permanent, self.status = message, permanent, status

    def __str__(self) -> str:
        return self.message


class NotAllowed(PlatformError):
    """Amends itself would not go on: the server is not at a public address, or it answered
    with a redirect. The words are Amends' own, never the platform's, so they may be shown
    where a platform's answer may not."""


class ByHand(PlatformError):
    """The platform's API cannot do this (Instagram cannot edit a caption or delete a post;
    Nextdoor has no API for the force): a person does it in the platform's own app.
    ``instructions`` say exactly what to do, in words for that person. Never permanent: the
    delivery waits, checked again on the platform where it can be read, until it shows it done
    or a person confirms it."""

    def __init__(self, instructions: str):
        super().__init__(instructions)
        self.instructions = instructions
