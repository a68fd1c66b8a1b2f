"""Shared fixtures. Keys always live in a fresh temporary folder, never in a user's home."""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from hypothesis import settings as hypothesis_settings

# The test servers (the Bluesky PDS, WordPress, the fake Mastodon) listen on loopback, which
# Amends refuses to connect to by default. Processes the tests start inherit this; the tests in
# this process get it from the fixture below, and test_addresses.py turns it off again.
os.environ.setdefault("AMENDS_ALLOW_PRIVATE_ADDRESSES", "true")
# No test reaches the Internet Archive: the web-archive tests name their own pywb.
os.environ.setdefault("AMENDS_WEB_ARCHIVES", "")

# Shared, noisy machines: no per-example deadline (speed is measured by make bench instead).
hypothesis_settings.register_profile("amends", deadline=None)
hypothesis_settings.load_profile("amends")

from tests.support.desk import browser, desk  # noqa: E402, F401  (the desk served, in Chromium)
from tests.support.servers.fixtures_pds import pds  # noqa: E402, F401  (real servers)
from tests.support.servers.fixtures_wordpress import wordpress  # noqa: E402, F401
from tests.support.servers.mastodon import mastodon, mastodon_server  # noqa: E402, F401
from tests.support.servers.pywb import pywb  # noqa: E402, F401
from tests.support.world import world  # noqa: E402, F401  (one of everything on the desk)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _keys_in_tmp(settings, tmp_path):
    settings.SIGNING_KEY_FILE = tmp_path / "keys" / "signing.key"
    settings.SEALING_KEY_FILE = tmp_path / "keys" / "sealing.key"
    settings.CREDENTIALS_KEY_FILE = tmp_path / "keys" / "credentials.key"
    settings.WITNESS_KEY_FILE = tmp_path / "keys" / "witness.key"
    settings.CHECKPOINT_INTERVAL = 3600
    settings.PUBLISHED_FILE = tmp_path / "published-checkpoint.json"


@pytest.fixture(autouse=True)
def _private_addresses_allowed(settings):
    settings.ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture(autouse=True)
def _language_of_each_test_is_its_own():
    """A request in Welsh leaves Welsh active in the thread, as a server's next request
    would set its own: each test starts and ends in the default language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with nothing cached (the desk caches fragments of its pages)."""
    from django.core.cache import cache

    cache.clear()


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def drop_triggers() -> None:
    """Drop the append-only triggers, as an administrator with the database could."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')
        else:
            cursor.execute(
                "SELECT tgname, relname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid "
                "WHERE NOT tgisinternal AND relname LIKE 'record_%%'"
            )
            for name, table in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}" ON "{table}"')


@contextlib.contextmanager
def _pg_database(prefix: str, template: str | None = None):
    """A new PostgreSQL database beside the test database (a copy of ``template`` if given),
    dropped afterwards: its name and its URL."""
    import psycopg

    db = settings.DATABASES["default"]
    admin = psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    try:
        yield name, f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(scope="session")
def migrated(tmp_path_factory):
    """One database migrated by the real ``amends migrate`` for the whole run, which each
    :func:`fresh_database` starts as a copy of (a file copied on SQLite, a template database on
    PostgreSQL): the same tables, without paying for the migrations each time."""
    home = tmp_path_factory.mktemp("migrated")
    env = {**os.environ, "AMENDS_HOME": str(home)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if is_postgres():
        with _pg_database("amends_tmpl") as (name, url):
            env["AMENDS_DATABASE_URL"] = url
            amends(["migrate"], env)
            yield name
    else:
        env["AMENDS_DATABASE_URL"] = f"sqlite:///{home / 'amends.sqlite3'}"
        amends(["migrate"], env)
        import sqlite3

        with contextlib.closing(sqlite3.connect(home / "amends.sqlite3")) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all of it in the one file copied
        yield home / "amends.sqlite3"


@pytest.fixture
def fresh_database(tmp_path, migrated):
    """An empty, migrated database of the kind under test, for tests that run processes.

    Yields the environment those processes need (AMENDS_HOME, AMENDS_DATABASE_URL).
    """
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "AMENDS_HOME": str(home), "AMENDS_CHECKPOINT_INTERVAL": "3600"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if is_postgres():
        with _pg_database("amends_proc", template=migrated) as (_, url):
            env["AMENDS_DATABASE_URL"] = url
            yield env
    else:
        shutil.copyfile(migrated, home / "amends.sqlite3")
        env["AMENDS_DATABASE_URL"] = f"sqlite:///{home / 'amends.sqlite3'}"
        yield env


def amends(args: list[str], env: dict, *, check: bool = True) -> subprocess.CompletedProcess:
    """Run the real ``amends`` command line in a new process."""
    result = subprocess.run(
        [sys.executable, "-m", "amends", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"amends {' '.join(args)} failed: {result.stderr}")
    return result


BATCH = """
import json, sys
from amends.cli import main
for args in json.loads(sys.argv[1]):
    try:
        main(args, prog_name="amends")
    except SystemExit as stop:
        if stop.code not in (0, None):
            sys.exit(f"amends {' '.join(args)} failed ({stop.code})")
"""


def amends_each(commands: list[list[str]], env: dict) -> None:
    """Run several ``amends`` commands one after another in one new process: the same command
    line, without paying for Python and Django to start for each (set-up, not what is tested)."""
    result = subprocess.run(
        [sys.executable, "-c", BATCH, json.dumps(commands)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise AssertionError(f"{result.stderr}")


@pytest.fixture
def testbed(people, monkeypatch, settings):
    """The in-process test platform (tests/support/testbed.py) with the account
    ``testbed:police``; retries happen at once."""
    from amends.actions import AddAccount
    from amends.connectors import CONNECTORS
    from tests.support import testbed as platform

    monkeypatch.setitem(CONNECTORS, "testbed", platform.Testbed)
    monkeypatch.setattr(platform, "BOARD", platform.Board())
    settings.DELIVERY_BACKOFF_BASE = 0
    AddAccount(
        None,
        key="testbed:police",
        settings={"server": "https://testbed.example"},
        secrets={"token": "good"},
        as_operator=True,
    ).run()
    return platform


@pytest.fixture
def people(db, settings, tmp_path):
    """The named personas, each with one role, and the house account ``house:news``.

    alice: author · andy: a second author · sam, sally: supervisors · fiona: auditor ·
    adam: admin · olly: an outsider with no role.
    """
    from types import SimpleNamespace

    from django.contrib.auth.models import User

    from amends.actions import AddAccount, AddUser

    settings.SITE_DIR = tmp_path / "site"
    roles = {
        "alice": "author",
        "andy": "author",
        "sam": "supervisor",
        "sally": "supervisor",
        "fiona": "auditor",
        "adam": "admin",
    }
    for name, role in roles.items():
        AddUser(None, name=name, role=role, as_operator=True).run()
    User.objects.create_user("olly")
    AddAccount(None, key="house:news", name="Example Police", as_operator=True).run()
    return SimpleNamespace(**{name: User.objects.get(username=name) for name in [*roles, "olly"]})


@pytest.fixture
def spec_witness(people):
    """A witness written from the C2SP specs alone (tests/support/spec_witness), trusting this
    log's key, added as the record's one witness."""
    from django.conf import settings as django_settings

    from amends.actions import AddWitness
    from amends.record import api as record
    from tests.support.spec_witness import SpecWitness

    with SpecWitness("witness.test/spec") as witness:
        witness.trust(django_settings.RECORD_ORIGIN, record.verifier_key())
        AddWitness(people.adam, name=witness.name, url=witness.url, key=witness.vkey).run()
        yield witness
