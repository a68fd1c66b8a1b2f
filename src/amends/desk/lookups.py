"""Finding the domain's things by what people type (a number, ``PLATFORM:HANDLE``) and checking
the text they write: each failure is one BadInput or NotFound naming the field."""

from amends.desk.models import Account, Post
from amends.errors import BadInput, NotFound
from amends.record import api as record
from amends.text import chars


def required_text(value: object, field: str, *, limit: int = 100_000) -> str:
    """``value`` if it is text someone wrote for ``field``: not empty, at most ``limit``
    characters, storable in every database. Otherwise BadInput naming the field."""
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{field}: must not be empty", field=field)
    if len(value) > limit:
        raise BadInput(f"{field}: must be at most {limit:,} characters", field=field)
    # PostgreSQL cannot store NUL in text, and a lone surrogate cannot be written as UTF-8.
    if "\x00" in value:
        raise BadInput(f"{field}: must not contain NUL characters", field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput(f"{field}: must be valid Unicode text", field=field) from None
    # Control characters (Word's vertical tab, ESC, BEL) would make the Atom feed invalid XML.
    bad = chars.first_not_allowed(value)
    if bad is not None:
        raise BadInput(
            f"{field}: must not contain the control character {chars.describe(bad)}; "
            "use ordinary spaces and line breaks",
            field=field,
        )
    return value


def get(model, pk: object, field: str):
    try:
        return model.objects.get(pk=int(pk))
    except (ValueError, TypeError):
        raise BadInput(f"{field}: must be a number (got {pk!r})", field=field) from None
    except model.DoesNotExist:
        raise NotFound(f"{field}: there is no {field} {pk}", field=field) from None


def account_by_key(key: object) -> Account:
    if not isinstance(key, str) or ":" not in key:
        raise BadInput("account: must be PLATFORM:HANDLE, for example house:news", field="account")
    platform, handle = key.split(":", 1)
    account = Account.objects.filter(platform=platform, handle=handle).first()
    if account is None:
        raise NotFound(f"account: there is no account {key}; add it with amends account add")
    return account


def current_text(post: Post) -> str:
    latest = post.revisions.order_by("-n").first()
    return record.read(latest.seq).decode("utf-8")
