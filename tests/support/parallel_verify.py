"""Verify one log in one process and in several, before and after tampering; print both.

    python tests/support/parallel_verify.py ENTRIES TAMPER_SEQ

Ranges are made tiny so that a small log spans many of them, with checkpoints inside ranges
and on their edges.
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from amends.record import api as record  # noqa: E402
from amends.record import verify  # noqa: E402

verify.PARALLEL_FROM = 0
verify.MIN_CHUNK_BITS = 4


def both() -> dict:
    return {
        "one": record.verify(workers=1).as_json(),
        "many": record.verify(workers=2).as_json(),
        "chunks": len(verify._chunks(record.size(), 2)),
    }


def main(entries: int, tamper: int) -> None:
    stops = sorted({*range(37, entries, 37), 16, 32, 48, 64, entries})
    done = 0
    for stop in stops:
        with transaction.atomic():
            record.append_events(
                [
                    record.event("record.note", {"n": i}, content=f"text {i}")
                    for i in range(done, stop)
                ]
            )
        record.sign_checkpoint()
        done = stop
    before = both()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER record_content_no_update")
        else:
            cursor.execute("DROP TRIGGER record_content_guard ON record_content")
        cursor.execute("UPDATE record_content SET body = %s WHERE seq = %s", [b"x", tamper])
    after = both()
    print(json.dumps({"before": before, "after": after}))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
