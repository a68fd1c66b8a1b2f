"""Append to the record in a loop, one transaction per event, printing each acknowledged append.

    python tests/support/appender.py WRITER COUNT     (COUNT 0: until killed)

A line ``WRITER N SEQ`` is printed (and flushed) only after the transaction has committed: it is
the acknowledgement the crash and concurrency tests hold the record to.
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from amends.record import api as record  # noqa: E402


def main(writer: str, count: int) -> None:
    n = 0
    while count == 0 or n < count:
        with transaction.atomic():
            appended = record.append(
                "record.note",
                {"writer": writer, "n": n},
                subject=f"writer:{writer}",
                content=f"{writer} {n}",
            )
        print(writer, n, appended.seq, flush=True)
        n += 1


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
