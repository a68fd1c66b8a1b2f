"""Backup, restore, and a rollback that cannot pass unnoticed: the real command line, on a fresh
database of the kind under test (SQLite's backup API in the SQLite pass, pg_dump and pg_restore
in the PostgreSQL pass)."""

import json
import zipfile
from pathlib import Path

import dj_database_url
import psycopg
import pytest

from tests.conftest import amends


def empty_the_database(env: dict) -> None:
    """What an operator does before restoring: an empty home, or an empty database."""
    url = env["AMENDS_DATABASE_URL"]
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink()
        return
    db = dj_database_url.parse(url)
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname="postgres",
        password=db["PASSWORD"] or None,
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE "{db["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{db["NAME"]}"')


@pytest.fixture
def home(fresh_database):
    env = fresh_database
    amends(["user", "add", "alice", "--role", "author"], env)
    amends(["account", "add", "house:news"], env)
    for n in range(3):
        amends(["post", "house:news", "--text", f"Post {n}", "--as", "alice"], env)
    return env


def test_a_backup_restores_into_an_empty_database_and_verifies(home, tmp_path):
    out = amends(["backup", "-o", str(tmp_path / "b.zip")], home)
    assert "backup written to" in out.stdout
    # The keys are named, and not in the file.
    assert "not in it, keep them apart: the signing key" in out.stdout
    with zipfile.ZipFile(tmp_path / "b.zip") as z:
        names = z.namelist()
        manifest = json.loads(z.read("manifest.json"))
    assert not any("key" in name for name in names)
    assert manifest["format"] == "amends-backup"
    size = manifest["record_size"]
    assert size > 0

    empty_the_database(home)
    done = amends(["restore", str(tmp_path / "b.zip")], home)
    assert f"the record: {size:,} entries" in done.stdout
    checked = json.loads(amends(["verify", "--json"], home).stdout)
    assert checked["ok"] is True
    assert checked["size"] == size


def test_an_older_backup_restored_after_a_publication_is_refused_as_a_rollback(home, tmp_path):
    amends(["backup", "-o", str(tmp_path / "old.zip")], home)
    # More happens, and a checkpoint of it goes out on the public site.
    amends(["post", "house:news", "--text", "After the backup", "--as", "alice"], home)
    amends(["checkpoint"], home)
    amends(["site", "render"], home)

    empty_the_database(home)
    restored = amends(["restore", str(tmp_path / "old.zip")], home)
    assert "warning: the record holds" in restored.stderr
    for command in (["verify"], ["worker", "--once"], ["serve", "--port", "9"]):
        refused = amends(command, home, check=False)
        assert refused.returncode == 1, command
        (line,) = refused.stderr.strip().splitlines()
        assert "this is a rollback" in line
        assert "was published (on the public site" in line


def test_bad_backups_and_a_restore_over_a_record_get_one_line_and_change_nothing(home, tmp_path):
    amends(["backup", "-o", str(tmp_path / "b.zip")], home)
    again = amends(["backup", "-o", str(tmp_path / "b.zip")], home, check=False)
    assert again.returncode == 1
    assert "exists already" in again.stderr

    junk = tmp_path / "not-a-backup.zip"
    junk.write_text("hello")
    for bad in (junk, tmp_path / "missing.zip"):
        refused = amends(["restore", str(bad)], home, check=False)
        assert refused.returncode == 1
        assert len(refused.stderr.strip().splitlines()) == 1
        assert refused.stderr.startswith("error: backup:")

    before = json.loads(amends(["verify", "--json"], home).stdout)["size"]
    over = amends(["restore", str(tmp_path / "b.zip")], home, check=False)
    assert over.returncode == 1
    assert "error: database:" in over.stderr
    assert json.loads(amends(["verify", "--json"], home).stdout)["size"] == before
