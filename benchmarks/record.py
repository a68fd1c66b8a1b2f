"""Benchmarks of the record. Each step runs in its own process and prints one JSON object.

    python -m benchmarks.record build N         build an N-entry log (leaf ~300 bytes, content)
    python -m benchmarks.record baseline        bare hashlib: the root of the same leaves
    python -m benchmarks.record appends MODE N  appends per second (MODE: single or batch)
    python -m benchmarks.record proofs N        inclusion and consistency proofs per second

The database is the one the environment names (AMENDS_HOME, AMENDS_DATABASE_URL).
"""

import json
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")

BATCH = 10_000


def _setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _event(i: int):
    from amends.record import api

    return api.event(
        "post.published",
        {
            "account": "house:news",
            "post": i,
            "url": f"https://news.examplepolice.uk/posts/{i}/",
            "reason": "Appeal for witnesses",
        },
        actor="comms.officer",
        subject=f"post:{i}",
        content=(
            f"Appeal for witnesses: a collision on the A38 near junction {i % 30} at 14:05. "
            f"Call 101 quoting log {i}. Thank you to everyone who has already come forward."
        ),
    )


def build(n: int) -> dict:
    _setup()
    from django.db import transaction

    from amends.record import api

    started = time.perf_counter()
    for start in range(api.size(), n, BATCH):
        events = [_event(i) for i in range(start, min(n, start + BATCH))]
        with transaction.atomic():
            api.append_events(events)
        if (start // BATCH) % 10 == 0:
            api.sign_checkpoint()
    api.sign_checkpoint()
    leaf = api.entries(0, 1)[0].leaf
    return {"seconds": time.perf_counter() - started, "size": api.size(), "leaf_bytes": len(leaf)}


def baseline() -> dict:
    """The root of the same leaves with nothing but hashlib, leaves already in memory."""
    from hashlib import sha256

    import django

    django.setup()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT leaf FROM record_entry ORDER BY seq")
        leaves = [bytes(row[0]) for row in cursor.fetchall()]
    started = time.perf_counter()
    stack: list[bytes] = []
    push, pop = stack.append, stack.pop
    for i, leaf in enumerate(leaves):
        h = sha256(b"\x00" + leaf).digest()
        while i & 1:
            h = sha256(b"\x01" + pop() + h).digest()
            i >>= 1
        push(h)
    root = stack[-1]
    for left in reversed(stack[:-1]):
        root = sha256(b"\x01" + left + root).digest()
    return {"seconds": time.perf_counter() - started, "root": root.hex(), "size": len(leaves)}


def appends(mode: str, n: int) -> dict:
    _setup()
    from django.db import transaction

    from amends.record import api

    events = [_event(i) for i in range(n)]
    started = time.perf_counter()
    if mode == "single":
        for e in events:
            with transaction.atomic():
                api.append_events([e])
    else:
        for start in range(0, n, 100):
            with transaction.atomic():
                api.append_events(events[start : start + 100])
    seconds = time.perf_counter() - started
    assert api.size() == n
    return {"seconds": seconds, "per_second": n / seconds}


def proofs(count: int) -> dict:
    import django

    django.setup()
    from amends.record import api

    latest = api.latest_checkpoint()
    size, root = latest.size, bytes(latest.root)
    rng = random.Random(7)
    seqs = [rng.randrange(size) for _ in range(count)]
    started = time.perf_counter()
    for seq in seqs:
        api.inclusion_proof(seq, size, root)
    inclusion = count / (time.perf_counter() - started)
    olds = [rng.randrange(1, size) for _ in range(count)]
    started = time.perf_counter()
    for old in olds:
        api.consistency_proof(old, size)
    consistency = count / (time.perf_counter() - started)
    return {"inclusion_per_second": inclusion, "consistency_per_second": consistency}


if __name__ == "__main__":
    step, *args = sys.argv[1:]
    if step == "build":
        result = build(int(args[0]))
    elif step == "baseline":
        result = baseline()
    elif step == "appends":
        result = appends(args[0], int(args[1]))
    elif step == "proofs":
        result = proofs(int(args[0]))
    else:
        raise SystemExit(f"unknown step {step!r}")
    print(json.dumps(result))
