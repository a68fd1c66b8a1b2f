"""The head row, and triggers that make the record's tables append-only.

Defence in depth: an administrator with the database can drop these, which is why verification
recomputes everything and checkpoints are signed and published.
"""

from django.db import migrations

APPEND_ONLY = ("record_entry", "record_node", "record_checkpoint")
MESSAGE = "amends: the record is append-only"

# Content may move plain -> sealed -> destroyed (or plain -> destroyed), nothing else.
CONTENT_ALLOWED = (
    "NEW.seq = OLD.seq AND NEW.commitment = OLD.commitment AND ("
    "(OLD.state = 'plain' AND NEW.state IN ('sealed', 'destroyed')) OR "
    "(OLD.state = 'sealed' AND NEW.state = 'destroyed'))"
)


def sqlite_statements():
    for table in APPEND_ONLY:
        for op in ("UPDATE", "DELETE"):
            yield (
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    yield (
        "CREATE TRIGGER record_content_no_delete BEFORE DELETE ON record_content "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    yield (
        "CREATE TRIGGER record_content_no_update BEFORE UPDATE ON record_content "
        f"WHEN NOT ({CONTENT_ALLOWED}) "
        "BEGIN SELECT RAISE(ABORT, 'amends: content may only be sealed or destroyed'); END"
    )
    yield (
        "CREATE TRIGGER record_head_no_delete BEFORE DELETE ON record_head "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    yield (
        "CREATE TRIGGER record_head_only_grows BEFORE UPDATE ON record_head "
        "WHEN NEW.size < OLD.size OR NEW.id <> OLD.id "
        "BEGIN SELECT RAISE(ABORT, 'amends: the record never shrinks'); END"
    )


def postgresql_statements():
    yield (
        "CREATE FUNCTION record_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
    )
    yield (
        "CREATE FUNCTION record_content_guard() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN IF NOT ({CONTENT_ALLOWED}) THEN "
        "RAISE EXCEPTION 'amends: content may only be sealed or destroyed'; END IF; "
        "RETURN NEW; END $$"
    )
    yield (
        "CREATE FUNCTION record_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF NEW.size < OLD.size OR NEW.id <> OLD.id THEN "
        "RAISE EXCEPTION 'amends: the record never shrinks'; END IF; RETURN NEW; END $$"
    )
    for table in APPEND_ONLY:
        yield (
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION record_refuse()"
        )
    for table in (*APPEND_ONLY, "record_content", "record_head"):
        yield (
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION record_refuse()"
        )
    yield (
        "CREATE TRIGGER record_content_no_delete BEFORE DELETE ON record_content "
        "FOR EACH ROW EXECUTE FUNCTION record_refuse()"
    )
    yield (
        "CREATE TRIGGER record_content_guard BEFORE UPDATE ON record_content "
        "FOR EACH ROW EXECUTE FUNCTION record_content_guard()"
    )
    yield (
        "CREATE TRIGGER record_head_no_delete BEFORE DELETE ON record_head "
        "FOR EACH ROW EXECUTE FUNCTION record_refuse()"
    )
    yield (
        "CREATE TRIGGER record_head_guard BEFORE UPDATE ON record_head "
        "FOR EACH ROW EXECUTE FUNCTION record_head_guard()"
    )


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    schema_editor.execute("INSERT INTO record_head (id, size) VALUES (1, 0)")
    if vendor == "sqlite":
        statements = sqlite_statements()
    elif vendor == "postgresql":
        statements = postgresql_statements()
    else:
        raise RuntimeError(f"Amends supports SQLite and PostgreSQL, not {vendor}")
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("record", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
