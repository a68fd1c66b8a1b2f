"""On PostgreSQL, a trigram index for searching posts by their words.

The desk's search asks for posts whose wording contains the words typed (``icontains``, which
PostgreSQL runs as ``UPPER(wording) LIKE UPPER('%words%')``); without an index every post is
read, twice per page. A GIN index of trigrams answers it directly. It needs the ``pg_trgm``
extension, which ships with PostgreSQL; a database user that may not create it gets a warning
and a slower search, never a failed migration.
"""

import logging

from django.db import migrations

logger = logging.getLogger(__name__)

INDEX = "desk_post_wording_trgm"


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            logger.warning("pg_trgm is not available: the desk's search reads every post")
            return
        try:
            cursor.execute("SAVEPOINT amends_trgm")
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("RELEASE SAVEPOINT amends_trgm")
        except Exception:
            cursor.execute("ROLLBACK TO SAVEPOINT amends_trgm")
            logger.warning(
                "the pg_trgm extension could not be created (ask the database's owner to run "
                "CREATE EXTENSION pg_trgm): the desk's search reads every post"
            )
            return
        cursor.execute(
            f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON desk_post '
            "USING gin ((UPPER(wording::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("desk", "0003_account_settings")]

    operations = [migrations.RunPython(create, drop)]
