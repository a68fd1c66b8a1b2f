import os
from pathlib import Path

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def owner_only(sender, connection, **kwargs) -> None:
    """SQLite files readable by their owner only (0600), like the keys: the database holds the
    record and, until it is sealed, the wording of every post. SQLite gives its -wal and -shm
    files the database file's mode; existing ones are corrected too."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")):
        try:
            if path.exists() and path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
        except OSError:
            pass  # not ours to change (a shared file set up by an operator): leave it


class RecordConfig(AppConfig):
    name = "amends.record"
    label = "record"
    verbose_name = "The record"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from amends.record import checkpoints, log

        connection_created.connect(owner_only, dispatch_uid="amends.record.owner_only")

        # After every committed append, sign a checkpoint if one is due.
        if checkpoints.checkpoint_if_due not in log.AFTER_COMMIT:
            log.AFTER_COMMIT.append(checkpoints.checkpoint_if_due)
