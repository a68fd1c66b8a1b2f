"""Backups of the database, and restoring one into an empty home or database.

A backup is one ZIP file: ``manifest.json`` (what it is, when, how big the record was) and the
database itself — a consistent online copy made with SQLite's backup API, or ``pg_dump``'s
custom format on PostgreSQL. The keys are never in it: the signing, sealing and credentials
keys are kept apart (a backup that held them would open every sealed word and every
platform's credentials to whoever holds the file), and the command says which, and where.

A backup older than a checkpoint already published cannot quietly replace the record: see
:mod:`amends.record.published`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

from amends import __version__
from amends.errors import BadInput, Refused
from amends.record import api as record

FORMAT = "amends-backup"
VERSION = 1
MANIFEST = "manifest.json"
FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


@dataclass(frozen=True)
class Made:
    path: Path
    manifest: dict
    keys: list[tuple[str, Path]]  # what is not in the backup, and where it is


def kind() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def keys_kept_apart() -> list[tuple[str, Path]]:
    return [
        ("the signing key", Path(settings.SIGNING_KEY_FILE)),
        ("the sealing key", Path(settings.SEALING_KEY_FILE)),
        ("the credentials key", Path(settings.CREDENTIALS_KEY_FILE)),
    ]


def backup(out: Path) -> Made:
    out = Path(out)
    if out.exists():
        raise Refused(f"output: {out} exists already; choose another name", field="output")
    if not out.parent.is_dir():
        raise BadInput(f"output: there is no folder {out.parent}", field="output")
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "database": kind(),
        "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "record_size": record.size(),
        "amends": __version__,
    }
    with tempfile.TemporaryDirectory(dir=out.parent) as work:
        copy = Path(work) / FILES[manifest["database"]]
        (_sqlite_copy if manifest["database"] == "sqlite" else _pg_dump)(copy)
        partial = Path(work) / "backup.zip"
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(MANIFEST, json.dumps(manifest, indent=2))
            # pg_dump's custom format is compressed already.
            stored = zipfile.ZIP_STORED if manifest["database"] == "postgresql" else None
            zf.write(copy, copy.name, compress_type=stored)
        os.chmod(partial, 0o600)
        os.replace(partial, out)
    return Made(out, manifest, keys_kept_apart())


def _sqlite_copy(to: Path) -> None:
    """A consistent copy of the live database, taken while others write (the backup API)."""
    source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    target = sqlite3.connect(to)
    try:
        with target:
            source.backup(target, pages=4096)
    finally:
        target.close()
        source.close()


def _pg_env() -> dict:
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGHOST": db["HOST"] or "127.0.0.1", "PGPORT": str(db["PORT"] or 5432)}
    env.update(PGUSER=db["USER"] or "", PGDATABASE=db["NAME"])
    if db["PASSWORD"]:
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _run(command: list[str], what: str) -> None:
    try:
        done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, timeout=3600)
    except FileNotFoundError:
        raise Refused(
            f"database: {command[0]} is not installed (apt-get install postgresql-client)"
        ) from None
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise Refused(f"database: {what} failed: {said}")


def _pg_dump(to: Path) -> None:
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(to)], "pg_dump")


def read_manifest(path: Path) -> dict:
    """The backup's manifest, or one line saying why ``path`` is not an Amends backup."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"backup: there is no file {path}", field="backup")
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read(MANIFEST))
            names = set(zf.namelist())
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise BadInput(
            f"backup: {path} is not an Amends backup (a ZIP file with {MANIFEST}, made by "
            "amends backup)",
            field="backup",
        ) from None
    if manifest.get("format") != FORMAT or manifest.get("database") not in FILES:
        raise BadInput(f"backup: {path} is not an Amends backup", field="backup")
    if manifest.get("version") != VERSION:
        raise BadInput(
            f"backup: {path} is a backup of version {manifest.get('version')!r}; this Amends "
            f"restores version {VERSION}",
            field="backup",
        )
    if FILES[manifest["database"]] not in names:
        raise BadInput(f"backup: {path} holds no database", field="backup")
    return manifest


def restore(path: Path) -> dict:
    """Put the backup at ``path`` back into the configured database, which must be empty."""
    manifest = read_manifest(path)
    here = kind()
    if manifest["database"] != here:
        raise BadInput(
            f"backup: it is a backup of a {manifest['database']} database; this Amends uses "
            f"{here} (AMENDS_DATABASE_URL)",
            field="backup",
        )
    with tempfile.TemporaryDirectory() as work:
        with zipfile.ZipFile(path) as zf:
            copy = Path(zf.extract(FILES[here], work))
        if here == "sqlite":
            _sqlite_restore(copy)
        else:
            _pg_restore(copy)
    return manifest


def _sqlite_restore(copy: Path) -> None:
    target = Path(settings.DATABASES["default"]["NAME"])
    connection.close()
    if target.exists() and target.stat().st_size > 0:
        raise Refused(
            f"database: {target} exists already; restore into an empty home (move the "
            "database away first)",
            field="database",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    source, into = sqlite3.connect(copy), sqlite3.connect(partial)
    try:
        with into:
            source.backup(into)
    finally:
        into.close()
        source.close()
    os.chmod(partial, 0o600)
    os.replace(partial, target)


def _pg_restore(copy: Path) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        )
        (tables,) = cursor.fetchone()
    if tables:
        name = settings.DATABASES["default"]["NAME"]
        raise Refused(
            f"database: {name} is not empty ({tables} tables); restore into an empty database",
            field="database",
        )
    connection.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "-d",
            settings.DATABASES["default"]["NAME"],
            str(copy),
        ],
        "pg_restore",
    )
