"""Settings from ``AMENDS_*`` environment variables, failing loudly on bad values.

Each helper reads one variable, returns the default when it is unset or empty, and raises
:class:`~django.core.exceptions.ImproperlyConfigured` naming the variable and what is allowed
when the value cannot be used. A ``NAME_FILE`` variant reads a secret from a file.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str | None = None) -> str | None:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (got {value!r})")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number (got {value!r})") from None
    if number < minimum or (maximum is not None and number > maximum):
        upper = "" if maximum is None else f" and at most {maximum}"
        raise ImproperlyConfigured(f"{name} must be at least {minimum}{upper} (got {number})")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    value = _raw(name)
    path = default if value is None else Path(value).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    return path


def env_secret(name: str) -> str | None:
    """Read ``NAME`` or, if unset, the contents of the file named by ``NAME_FILE``."""
    value = _raw(name)
    if value is not None:
        return value
    file_name = _raw(f"{name}_FILE")
    if file_name is None:
        return None
    try:
        return Path(file_name).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise ImproperlyConfigured(
            f"{name}_FILE names {file_name!r}, which cannot be read: {error.strerror}"
        ) from None
