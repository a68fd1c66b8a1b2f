"""Evidence packs: export and verify time and peak memory, for an incident of 1,000 record
entries and for a whole account of 100,000 posts, on SQLite.

    python -m benchmarks evidence                  (from make bench)
    python -m benchmarks.evidence seed-incident ENTRIES
    python -m benchmarks.evidence seed-account POSTS
    python -m benchmarks.evidence export-without-report KIND ID FILE

Seeding steps run in a process of their own with AMENDS_HOME and AMENDS_DATABASE_URL set and
print one JSON object last; the seeded databases are kept under AMENDS_BENCH_DIR. The incident
is built by the actions (post, incident, corrections, apology, replies, holds, unseals, the
deletion and its approval) beside 20,000 other posts; the account's posts are appended in bulk
(desk rows and ``post.published`` entries with their content, as Publish makes them). A
checkpoint is signed every so often while seeding, as the running service would.

Exports are timed as the whole ``amends export`` command, and again with the human report
left out (to tell the pack's own cost from the report's); verification as the pack's own
``python -I verify.py PACK.zip``, what a recipient runs. Peak memory is the PSS of the process.
AMENDS_BENCH_EVIDENCE_TIMEOUT (default 900 s) stops an export that runs longer.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")

FORMAT = "1"  # bump when the seeded databases change, to seed them again
INCIDENT_ENTRIES = int(os.environ.get("AMENDS_BENCH_EVIDENCE_ENTRIES", "1000"))
ACCOUNT_POSTS = int(os.environ.get("AMENDS_BENCH_EVIDENCE_POSTS", "100000"))
OTHER_POSTS = 20_000  # beside the incident, so that its entries are spread through a real log
EXPORT_TARGET, VERIFY_TARGET = 5.0, 2.0  # seconds, for the 1,000-entry incident
RUNS = 3
REPORT_TIMEOUT = float(os.environ.get("AMENDS_BENCH_EVIDENCE_TIMEOUT", "900"))  # seconds
BATCH = 5_000
PURPOSE = "Benchmark: complaint review"
REFERENCE = "BENCH/2026/1"


def _setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _people():
    from amends.actions import AddAccount, AddUser

    people = {
        name: AddUser(None, name=name, role=role, as_operator=True).run()
        for name, role in (
            ("alice", "author"),
            ("sam", "supervisor"),
            ("sally", "supervisor"),
            ("fiona", "auditor"),
        )
    }
    account = AddAccount(None, key="house:news", name="Example Police", as_operator=True).run()
    return people, account


def _bulk_posts(account, author, count: int, every: int = 10_000) -> None:
    """``count`` posts as Publish records them, appended in batches; a checkpoint ``every``."""
    from django.db import transaction
    from django.utils import timezone

    from amends.desk.models import Post, Revision
    from amends.record import api as record

    for start in range(0, count, BATCH):
        n = min(BATCH, count - start)
        with transaction.atomic():
            now = timezone.now()
            posts = Post.objects.bulk_create(
                Post(
                    account=account,
                    kind=Post.Kind.POST,
                    created_by=author,
                    created_at=now,
                    wording=f"Appeal {start + i}: a car was stolen overnight from a driveway in "
                    f"Bramley. If you saw anything, please call 101 quoting log {start + i}.",
                )
                for i in range(n)
            )
            events = [
                record.event(
                    "post.published",
                    {"account": str(account), "post": p.pk, "kind": "post"},
                    actor=author.username,
                    subject=p.subject,
                    content=p.wording,
                )
                for p in posts
            ]
            appended = record.append_events(events)
            Revision.objects.bulk_create(
                Revision(post=p, n=1, seq=a.seq, created_by=author, created_at=now)
                for p, a in zip(posts, appended, strict=True)
            )
        if (start + n) % every == 0:
            record.sign_checkpoint()


def seed_incident(entries: int) -> dict:
    """An incident whose subjects have about ``entries`` record entries, among other posts."""
    _setup()
    from amends.actions import (
        Apologise,
        ApproveDeletion,
        Correct,
        OpenIncident,
        PlaceHold,
        Publish,
        ReleaseHold,
        Reply,
        RequestDeletion,
        Unseal,
    )
    from amends.desk.models import Incident
    from amends.record import api as record

    started = time.perf_counter()
    people, account = _people()
    alice, fiona = people["alice"], people["fiona"]
    _bulk_posts(account, alice, OTHER_POSTS // 2)
    post = Publish(alice, account="house:news", text="The appeal closes on 4 May.").run()
    incident = OpenIncident(
        alice,
        post=post.pk,
        kind="fact",
        severity="serious",
        summary="Wrong date",
        rationale="Opened for the test.",
    ).run()
    Apologise(alice, post=post.pk, text="Sorry, the date we gave was wrong.").run()
    # What an incident that drags on leaves in the record: corrections, replies, holds placed
    # and released, and auditors reading the record; a checkpoint every 50 actions.
    actions = [
        lambda n: Correct(alice, post=post.pk, text=f"The appeal closes on {n} May.", reason="x"),
        lambda n: Reply(
            alice,
            post=post.pk,
            text=f"Thank you, noted ({n}).",
            anyway=True,
            override_reason="Overridden in the test.",
        ),
        lambda n: PlaceHold(fiona, post=post.pk, reference=f"FOI/{n}"),
    ]
    n = 0
    while _entries(incident) < entries - 15:
        n += 1
        action = actions[n % 3](n).run()
        if n % 3 == 2:
            ReleaseHold(fiona, hold=action.pk).run()
        if n % 50 == 0:
            record.sign_checkpoint()
    _bulk_posts(account, alice, OTHER_POSTS - OTHER_POSTS // 2)
    deletion = RequestDeletion(
        people["sally"],
        post=post.pk,
        ground="prejudicial",
        explanation="It named a suspect.",
        rationale="Asked for in the test.",
    ).run()
    ApproveDeletion(people["sam"], deletion=deletion.pk, rationale="Approved in the test.").run()
    for _ in range(10):
        Unseal(fiona, post=post.pk, purpose="Complaint review", reference=REFERENCE).run()
    record.sign_checkpoint()
    incident = Incident.objects.get(pk=incident.pk)
    return {
        "incident": incident.pk,
        "entries": _entries(incident),
        "log": record.size(),
        "seconds": time.perf_counter() - started,
    }


def _entries(incident) -> int:
    from amends.evidence.subjects import gather
    from amends.record.models import Entry

    subjects = gather("incident", incident.pk).record_subjects
    return Entry.objects.filter(subject__in=subjects).count()


def seed_account(posts: int) -> dict:
    _setup()
    from amends.record import api as record

    started = time.perf_counter()
    people, account = _people()
    _bulk_posts(account, people["alice"], posts)
    record.sign_checkpoint()
    return {"posts": posts, "log": record.size(), "seconds": time.perf_counter() - started}


def export_without_report(kind: str, ident: str, output: str) -> dict:
    """The pack with an empty report, to tell the pack's own cost from the report's."""
    import django

    django.setup()
    from django.contrib.auth.models import User

    from amends.actions import ExportPack
    from amends.evidence import pack

    pack._render_report = lambda *args: ("<!doctype html><title>omitted</title>", b"%PDF-")
    started = time.perf_counter()
    done = ExportPack(
        User.objects.get(username="fiona"),
        purpose=PURPOSE,
        reference=REFERENCE,
        output=output,
        **{kind: ident},
    ).run()
    return {"entries": done.entries, "seconds": time.perf_counter() - started}


# Driving the steps from `make bench`.


def _built(work: Path, kind: str, size: int) -> tuple[dict, dict]:
    from benchmarks.common import env_for, step

    home = work / f"evidence-{kind}-{size}-{FORMAT}"
    for old in work.glob(f"evidence-{kind}-*"):
        if old != home:
            shutil.rmtree(old, ignore_errors=True)
    env = env_for(home)
    marker = home / "built.json"
    if marker.exists():
        info = json.loads(marker.read_text())
        subprocess.run(
            [sys.executable, "-m", "amends", "migrate"], env=env, check=True, capture_output=True
        )
        return env, {**info, "cached": True}
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    info = step([f"seed-{kind}", str(size)], env, "benchmarks.evidence")
    marker.write_text(json.dumps(info))
    return env, {**info, "cached": False}


def _export(env: dict, kind: str, ident: str, pack: Path, report: bool, timeout: float):
    if report:
        args = [sys.executable, "-m", "amends", "export", f"--{kind}", ident, "--purpose"]
        args += [PURPOSE, "--reference", REFERENCE, "-o", str(pack), "--as", "fiona", "--json"]
    else:
        args = [sys.executable, "-m", "benchmarks.evidence", "export-without-report", kind]
        args += [ident, str(pack)]
    from benchmarks.common import timed_command

    return timed_command(args, env, sample=True, timeout=timeout)


def _verify(pack: Path, folder: Path) -> tuple[float, int]:
    """The pack's own verify.py, as a recipient runs it: isolated, from an empty folder."""
    verifier = folder / "verify.py"
    with zipfile.ZipFile(pack) as z:
        verifier.write_bytes(z.read(next(n for n in z.namelist() if n.endswith("/verify.py"))))
    from benchmarks.common import timed_command

    seconds, peak, out = timed_command(
        [sys.executable, "-I", str(verifier), str(pack), "--unwitnessed"],
        {"PATH": os.environ.get("PATH", "")},
        sample=True,
        timeout=REPORT_TIMEOUT,
    )
    if "verifies" not in out.split("\n")[0]:
        raise SystemExit(f"{pack} did not verify: {out}")
    return seconds, peak


def _measure(env: dict, kind: str, ident: str, folder: Path, runs: int, report: bool) -> dict:
    """Median export and verify times over ``runs`` exports (each a new pack), and the peak
    memory over them (sampled, so times include the sampling)."""
    folder.mkdir(parents=True, exist_ok=True)
    exports, verifies, size, entries = [], [], 0, 0
    for _ in range(runs):
        pack = folder / f"{kind}-{time.time_ns()}.zip"
        seconds, peak, _ = _export(env, kind, ident, pack, report, REPORT_TIMEOUT)
        if seconds is None:
            pack.unlink(missing_ok=True)
            return {"timeout": True, "export_peak": peak}
        exports.append((seconds, peak))
        verifies.append(_verify(pack, folder))
        size = pack.stat().st_size
        with zipfile.ZipFile(pack) as z:
            top = z.namelist()[0].split("/", 1)[0]
            entries = len(z.read(f"{top}/data/entries.jsonl").splitlines())
        pack.unlink()
    return {
        "timeout": False,
        "entries": entries,
        "bytes": size,
        "export": statistics.median(s for s, _ in exports),
        "export_peak": max(p for _, p in exports),
        "verify": statistics.median(s for s, _ in verifies),
        "verify_peak": max(p for _, p in verifies),
    }


def bench(work: Path, table) -> str:
    from benchmarks.common import verdict

    mb = 1024 * 1024
    folder = work / "evidence-packs"
    env, info = _built(work, "incident", INCIDENT_ENTRIES)
    env_a, info_a = _built(work, "account", ACCOUNT_POSTS)
    ident = str(info["incident"])
    measured = [
        ("incident", True, _measure(env, "incident", ident, folder, RUNS, True)),
        ("incident", False, _measure(env, "incident", ident, folder, RUNS, False)),
        ("account", False, _measure(env_a, "account", "house:news", folder, 1, False)),
        ("account", True, _measure(env_a, "account", "house:news", folder, 1, True)),
    ]
    rows = []
    for kind, report, m in measured:
        what = (
            f"incident ({INCIDENT_ENTRIES:,} entries)"
            if kind == "incident"
            else f"whole account ({ACCOUNT_POSTS:,} posts)"
        )
        how = "`amends export`" if report else "export, report left out"
        targets = kind == "incident" and report
        if m["timeout"]:
            rows.append(
                [what, how, f"stopped after {REPORT_TIMEOUT:.0f} s", "", "—", "", "", "", ""]
            )
            continue
        rows.append(
            [
                what,
                how,
                f"{m['entries']:,}",
                f"{m['bytes'] / mb:.1f} MB",
                f"{m['export']:.2f} s",
                f"{m['export_peak'] / mb:.0f} MB",
                f"{m['verify']:.2f} s",
                f"{m['verify_peak'] / mb:.0f} MB",
                (
                    f"export ≤ {EXPORT_TARGET:.0f} s: {verdict(m['export'] <= EXPORT_TARGET)}; "
                    f"verify ≤ {VERIFY_TARGET:.0f} s: {verdict(m['verify'] <= VERIFY_TARGET)}"
                )
                if targets
                else "—",
            ]
        )
    notes = []
    for name, i in (("incident", info), ("account", info_a)):
        seeded = "cached" if i["cached"] else f"seeded in {i['seconds']:.0f} s"
        notes.append(f"The {name} database: SQLite, a log of {i['log']:,} entries ({seeded}).")
    notes.append(
        "Times are of the whole command, interpreter start included: `amends export`, and the "
        "pack's own `python -I verify.py PACK.zip`; medians of "
        f"{RUNS} runs for the incident, one run for the account. Peak memory: PSS, sampled "
        "every 0.1 s. 'Report left out' is the same export with the human report replaced by "
        "an empty one, to show the pack's own cost; the export includes checking the written "
        "pack with verify.py before it is moved into place."
    )
    header = ["pack", "export", "entries", "pack size", "export time", "export memory"]
    header += ["verify time", "verify memory", "target"]
    out = table("Evidence packs: export and verify", header, rows)
    return out + "\n" + "\n".join(f"- {note}" for note in notes) + "\n"


if __name__ == "__main__":
    command, *rest = sys.argv[1:]
    if command == "seed-incident":
        result = seed_incident(int(rest[0]))
    elif command == "seed-account":
        result = seed_account(int(rest[0]))
    elif command == "export-without-report":
        result = export_without_report(*rest)
    else:
        raise SystemExit(f"unknown step {command!r}")
    print(json.dumps(result))
