"""Benchmarks of the staff desk. Steps run in their own process and print one JSON object.

python -m benchmarks.desk build                   seed users, posts, incidents (by the actions)
python -m benchmarks.desk sessions                one signed-in session per user: the cookies
python -m benchmarks.desk queries COOKIE PATH...  the database queries each page makes
python -m benchmarks.desk writer SECONDS EVERY     publish a post every EVERY seconds (a busy desk)

The database is the one the environment names (AMENDS_HOME, AMENDS_DATABASE_URL).
"""

import gzip
import json
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")

POSTS, INCIDENTS, OPEN = 10_000, 1_000, 100
CORRECTIONS = 500  # of posts no incident is about; incidents bring their own
SEARCH = "burglary"  # in two of the twelve kinds of post below

# Mostly authors, who post; supervisors close incidents and decide deletions.
PEOPLE = [
    *[
        (name, "author")
        for name in (
            "a.patel",
            "b.okafor",
            "c.hughes",
            "d.kowalski",
            "e.murphy",
            "f.ahmed",
            "g.price",
            "h.nowak",
            "i.campbell",
            "j.reid",
            "k.osei",
            "l.bennett",
            "m.doyle",
            "n.shah",
            "o.walsh",
        )
    ],
    ("p.morgan", "supervisor"),
    ("q.fraser", "supervisor"),
    ("r.iqbal", "supervisor"),
    ("s.lloyd", "auditor"),
    ("t.evans", "admin"),
]

PLACES = [
    "Bramley",
    "Kirkstall",
    "Headingley",
    "Armley",
    "Chapel Allerton",
    "Horsforth",
    "Morley",
    "Pudsey",
    "Rothwell",
    "Seacroft",
    "Otley",
    "Wetherby",
]
ROADS = ["the A61", "the A64", "the A647", "the A660", "Kirkstall Road", "York Road"]
NAMES = ["Sam", "Alex", "Jordan", "Casey", "Riley", "Morgan", "Jamie", "Charlie"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["March", "April", "May", "June", "July"]
TEMPLATES = [
    "Appeal for witnesses: a collision between a car and a cyclist on {road} near {place} at "
    "{hour}:{minute} on {day}. If you saw it, or have dashcam footage, please call 101 quoting "
    "log {log}.",
    "Burglary warning for {place}: {n} homes were broken into on {day} through rear doors and "
    "windows. Please lock up, keep keys away from the letterbox and report anything suspicious "
    "on 101.",
    "We have arrested a {age}-year-old man on suspicion of burglary after a break-in at a shop "
    "in {place} on {day}. He remains in custody. Thank you to everyone who called us with "
    "information.",
    "Road closure: {road} is closed in both directions near {place} after a serious collision "
    "on {day}. Please avoid the area and expect delays while officers work at the scene.",
    "Missing: {name}, {age}, from {place}, was last seen on {day} wearing a dark coat and white "
    "trainers. {name} may be travelling by bus. If you see them, call 999 quoting log {log}.",
    "Scam warning: since {day}, people in {place} have had calls from someone claiming to be a "
    "police officer and asking them to withdraw cash. We will never ask for money or bank "
    "details. Hang up and call 101.",
    "Come and meet your neighbourhood team at {place} library on {day} from {hour}:00. Bring "
    "your questions about anti-social behaviour, parking or anything else that worries you.",
    "A man from {place} was sentenced to {n} years at Leeds Crown Court on {day} for robbery. "
    "Thank you to the victims for their courage in giving evidence, and to the officers who "
    "built the case.",
    "Have you seen this van? A white Ford Transit, registration ending {reg}, was stolen from "
    "a driveway in {place} on {day}. Call 101 quoting log {log}, or Crimestoppers anonymously.",
    "Officers were in {place} on {day} after reports of dogs worrying sheep near {road}. Please "
    "keep dogs on a lead near livestock; farmers are entitled to protect their flocks.",
    "Speed checks on {road} in {place} on {day}: {n} drivers were stopped, the fastest at "
    "{speed} mph in a 30 zone. Slow down: this road is the way to two primary schools.",
    "We are recruiting special constables in {place} and across the district. Volunteer at "
    "least 16 hours a month beside regular officers. Come to our open evening on {day} to find "
    "out more.",
]
SUMMARIES = [
    "The date in the post was wrong.",
    "The log number was wrong, so calls went to the wrong enquiry.",
    "The post named a witness who had asked not to be named.",
    "A light-hearted line in the post was wrong for a missing person appeal.",
    "The photo showed the wrong van.",
    "A detail in the post could prejudice the trial.",
]
APOLOGIES = [
    "Sorry: the date we gave in this post was wrong. We have corrected it above.",
    "We apologise: the log number we gave was wrong. Please use the corrected one.",
    "Sorry. We should not have posted that, and we have put it right.",
]


def wording(i: int, variant: int = 0) -> str:
    """Post ``i`` (150 to 280 characters); another ``variant`` changes its day."""
    rng = random.Random(i)
    fields = {
        "road": rng.choice(ROADS),
        "place": rng.choice(PLACES),
        "name": rng.choice(NAMES),
        "hour": f"{rng.randrange(7, 23):02d}",
        "minute": f"{rng.randrange(60):02d}",
        "log": f"{rng.randrange(100, 2000)} of {rng.randrange(1, 29)} {rng.choice(MONTHS)}",
        "n": rng.randrange(2, 12),
        "age": rng.randrange(14, 80),
        "reg": f"{rng.choice('ABCDEFGHKLMN')}{rng.choice('PRSTVWXY')}{rng.choice('ABCDEFGH')}",
        "speed": rng.randrange(45, 70),
    }
    day = rng.randrange(7)
    fields["day"] = f"{DAYS[(day + variant) % 7]} {1 + (day + variant) % 28} {MONTHS[i % 5]}"
    return TEMPLATES[i % len(TEMPLATES)].format(**fields)


def _setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build() -> dict:
    """Everything goes through the actions, so that the record holds it all; the public pages
    they touch are rendered once at the end instead of after every action."""
    _setup()
    from amends.actions import (
        AddAccount,
        AddUser,
        Apologise,
        ApproveDeletion,
        CloseIncident,
        Correct,
        OpenIncident,
        Publish,
        Reply,
        RequestDeletion,
    )
    from amends.desk.incidents import steps as incident_steps
    from amends.desk.models import Incident, Post
    from amends.record import api as record
    from amends.site import render

    texts = [wording(i) for i in range(POSTS)]
    short = [t for t in texts if not 150 <= len(t) <= 280]
    if short:
        raise SystemExit(f"{len(short)} posts are not 150 to 280 characters: {short[0]!r}")

    started = time.perf_counter()
    users = {
        name: AddUser(None, name=name, role=role, as_operator=True).run() for name, role in PEOPLE
    }
    AddAccount(None, key="house:news", name="Example Police", as_operator=True).run()
    authors = [users[n] for n, role in PEOPLE if role == "author"]
    supervisors = [users[n] for n, role in PEOPLE if role == "supervisor"]
    rng = random.Random(5)
    with render.deferred():
        ids = [
            Publish(authors[i % len(authors)], account="house:news", text=text).run().pk
            for i, text in enumerate(texts)
        ]
        published = time.perf_counter()
        position = {pk: i for i, pk in enumerate(ids)}

        # Incidents on distinct posts, in the order they were opened; the newest stay open.
        about = rng.sample(ids, INCIDENTS)
        incidents = []
        for n, post in enumerate(about):
            author = rng.choice(authors)
            severity = rng.choices(Incident.Severity.values, weights=(6, 3, 1))[0]
            incident = OpenIncident(
                author,
                post=post,
                kind="fact",
                severity=severity,
                summary=SUMMARIES[n % len(SUMMARIES)],
                rationale="Opened for the test.",
            ).run()
            incidents.append(incident.pk)
            if rng.random() < 0.6:
                Apologise(author, post=post, text=APOLOGIES[n % len(APOLOGIES)]).run()
            if rng.random() < 0.5:
                Correct(
                    author,
                    post=post,
                    text=wording(position[post], 1),
                    reason="We gave the wrong day.",
                ).run()
            if severity == Incident.Severity.MINOR and rng.random() < 0.2:
                Reply(author, post=post, text="Thank you for telling us; it is fixed now.").run()
        # A few deletions of the serious ones: most approved by a supervisor, some waiting.
        serious = Incident.objects.filter(pk__in=incidents).exclude(severity="minor")
        for n, incident in enumerate(serious.order_by("pk")[:30]):
            deletion = RequestDeletion(
                rng.choice(authors),
                post=incident.post_id,
                ground="prejudicial",
                explanation="It named a witness in a case that is still before the court.",
                rationale="Asked for in the test.",
            ).run()
            if n < 20:
                ApproveDeletion(
                    rng.choice(supervisors), deletion=deletion.pk, rationale="Approved in the test."
                ).run()
        for incident in incidents[: INCIDENTS - OPEN]:
            # Each step not done says why it was not needed, as closing asks.
            left = [
                s.step
                for s in incident_steps(Incident.objects.get(pk=incident))
                if s.status == "to do" and s.step != "move_on"
            ]
            CloseIncident(
                rng.choice(supervisors),
                incident=incident,
                statement="We have put this right and changed how we check posts before they "
                "go out. Thank you to everyone who told us. We will say no more about it here.",
                rationale="Closed in the test.",
                not_needed={step: "Not needed for this slip." for step in left},
            ).run()

        # Corrections of posts no incident is about.
        quiet = sorted(set(ids) - set(about))
        for post in rng.sample(quiet, CORRECTIONS):
            Correct(
                rng.choice(authors),
                post=post,
                text=wording(position[post], 2),
                reason="The day was wrong in the first version.",
            ).run()
        acted = time.perf_counter()
    rendered = time.perf_counter()
    record.sign_checkpoint()

    open_ids = list(
        Incident.objects.filter(closed_at__isnull=True).order_by("-pk").values_list("pk", flat=True)
    )
    closed_ids = list(
        Incident.objects.filter(closed_at__isnull=False)
        .order_by("-pk")
        .values_list("pk", flat=True)
    )
    return {
        "users": len(users),
        "posts": Post.objects.filter(kind=Post.Kind.POST).count(),
        "all_posts": Post.objects.count(),
        "incidents": len(incidents),
        "open": len(open_ids),
        "record": record.size(),
        "search": SEARCH,
        "search_hits": Post.objects.filter(wording__icontains=SEARCH).count(),
        # The incident pages the load rotates over: open and closed, newest and older.
        "sample_incidents": open_ids[:3] + open_ids[-2:] + closed_ids[:3] + closed_ids[-2:],
        "publish_seconds": published - started,
        "actions_seconds": acted - started,
        "render_seconds": rendered - acted,
    }


def sessions() -> dict:
    """A signed-in session per user, made the way Django's login() makes one. Sessions of
    earlier runs are removed first: no one else signs in to a benchmark database."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    Session.objects.all().delete()
    cookies = []
    for user in User.objects.order_by("pk"):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        cookies.append(f"sessionid={session.session_key}")
    return {"cookies": cookies}


def queries(cookie: str, paths: list[str]) -> dict:
    """Per page: the database queries one request makes, and what a browser downloads for it
    (the HTML and every stylesheet and script it links, uncompressed, none cached)."""
    import re

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def linked(html: str) -> list[bytes]:
        found = re.findall(r'<(?:link rel="stylesheet" href|script[^>]* src)="([^"]+)"', html)
        files = []
        for url in found:
            path = finders.find(url.removeprefix(settings.STATIC_URL).split("?")[0])
            if path is None:
                raise SystemExit(f"{url} is not a static file")
            files.append(Path(path).read_bytes())
        return files

    client = Client(HTTP_HOST="127.0.0.1")
    name, _, key = cookie.partition("=")
    client.cookies[name] = key
    out = {}
    for path in paths:
        client.get(path)  # warm: templates compiled, caches filled
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        files = [response.content, *linked(response.content.decode())]
        out[path] = {
            "queries": len(captured),
            "bytes": sum(len(f) for f in files),
            # What a phone downloads: each file gzipped, as nginx and whitenoise send them.
            "gzipped": sum(len(gzip.compress(f)) for f in files),
        }
    return out


def writer(seconds: float, every: float) -> dict:
    """Authors in turn publish a post every ``every`` seconds for ``seconds``, through the
    action (public pages and all): the desk while people work. Each publish grows the record,
    so every part of the desk cached under its version is worked out again."""
    import django

    django.setup()
    from django.contrib.auth.models import User

    from amends.actions import Publish

    authors = list(User.objects.filter(groups__name="author").order_by("pk"))
    deadline = time.monotonic() + seconds
    published = 0
    while time.monotonic() < deadline:
        started = time.monotonic()
        author = authors[published % len(authors)]
        Publish(author, account="house:news", text=f"Busy desk update {published}.").run()
        published += 1
        time.sleep(max(0.0, every - (time.monotonic() - started)))
    return {"published": published}


if __name__ == "__main__":
    step, *args = sys.argv[1:]
    if step == "build":
        result = build()
    elif step == "sessions":
        result = sessions()
    elif step == "queries":
        result = queries(args[0], args[1:])
    elif step == "writer":
        result = writer(float(args[0]), float(args[1]))
    else:
        raise SystemExit(f"unknown step {step!r}")
    print(json.dumps(result))
