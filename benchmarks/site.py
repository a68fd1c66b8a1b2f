"""Benchmarks of the public site. Steps run in their own process and print one JSON object.

python -m benchmarks.site build POSTS CORRECTIONS   a site of that many posts and corrections
python -m benchmarks.site latency COUNT            correct COUNT random posts; time the pages
"""

import json
import os
import random
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")


def _setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(posts: int, corrections: int) -> dict:
    _setup()
    from django.contrib.auth.models import User

    from amends.actions import AddAccount, AddUser, Correct, Publish
    from amends.site import render

    started = time.perf_counter()
    AddUser(None, name="alice", role="author", as_operator=True).run()
    AddAccount(None, key="house:news", name="Example Police", as_operator=True).run()
    alice = User.objects.get(username="alice")
    rng = random.Random(3)
    with render.deferred():
        ids = [
            Publish(
                alice,
                account="house:news",
                text=f"Appeal {i}: a collision on the A38 near junction {i % 30}. "
                f"The appeal closes on {1 + i % 28} May. Call 101 quoting log {i}.",
            )
            .run()
            .pk
            for i in range(posts)
        ]
        for i in range(corrections):
            post = rng.choice(ids)
            Correct(
                alice,
                post=post,
                text=f"Appeal {post}: corrected wording number {i}.",
                reason=f"Correction {i}: we gave the wrong date.",
            ).run()
    built = time.perf_counter() - started
    started = time.perf_counter()
    render.render_all()
    return {
        "build_seconds": built,
        "render_all_seconds": time.perf_counter() - started,
        "posts": posts,
        "corrections": corrections,
        "sample_post": ids[len(ids) // 2],
    }


def latency(count: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth.models import User

    from amends.actions import Correct
    from amends.desk.models import Post
    from amends.site import render

    alice = User.objects.get(username="alice")
    ids = list(Post.objects.values_list("pk", flat=True))
    rng = random.Random(11)
    run = time.time_ns()  # every run corrects to wording no earlier run used
    windows, totals = [], []
    original = render.update

    def timed_update(pages):
        started = time.perf_counter()
        original(pages)
        windows.append(time.perf_counter() - started)

    render.update = timed_update
    for i in range(count):
        started = time.perf_counter()
        Correct(
            alice,
            post=rng.choice(ids),
            text=f"Latency run {run} wording {i}.",
            reason="Benchmark correction",
        ).run()
        totals.append(time.perf_counter() - started)

    def p95(values):
        return statistics.quantiles(values, n=20)[-1] * 1000

    return {
        "render_p50_ms": statistics.median(windows) * 1000,
        "render_p95_ms": p95(windows),
        "action_p50_ms": statistics.median(totals) * 1000,
        "action_p95_ms": p95(totals),
    }


if __name__ == "__main__":
    step, *args = sys.argv[1:]
    if step == "build":
        result = build(int(args[0]), int(args[1]))
    elif step == "latency":
        result = latency(int(args[0]))
    else:
        raise SystemExit(f"unknown step {step!r}")
    print(json.dumps(result))
