"""Incidents: open one (what went wrong, how bad, why), follow its five steps, close it."""

import click

from amends.cli import command
from amends.cli.options import as_option, needs_reason, text_or_stdin, user_named, warn_personal


@click.group()
def incident():
    """Open, follow and close incidents."""


@incident.command("open")
@click.argument("post_id", metavar="POST")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(["fact", "tone", "harmful"]),
    help="What went wrong: a wrong fact or wording; a tone or humour misjudgement; harmful "
    "content (personal data, someone who must not be identified, prejudicial, offensive or "
    "illegal), which is taken down, never corrected.",
)
@click.option("--severity", required=True, type=click.Choice(["minor", "serious", "critical"]))
@click.option("--summary", required=True, help="What went wrong, for the team.")
@click.option(
    "--rationale",
    required=True,
    help="Why you open it this way (kind, severity), for the record; never published.",
)
@as_option
@command
def incident_open(post_id, kind, severity, summary, rationale, as_user):
    """Open an incident on a post that went wrong.

    Example: amends incident open 12 --kind fact --severity minor --summary "Wrong date"
    --rationale "The appeal date was a week out." --as alice
    """
    from amends.actions import OpenIncident

    opened = OpenIncident(
        user_named(as_user),
        post=post_id,
        kind=kind,
        severity=severity,
        summary=summary,
        rationale=rationale,
    ).run()
    return {"incident": opened.pk}, f"incident {opened.pk} opened"


@incident.command("list")
@click.option("--open", "only_open", is_flag=True, help="Only the incidents still open.")
@command
def incident_list(only_open):
    """List incidents, newest first: number, post, what went wrong, severity, open or closed,
    and the summary.

    Example: amends incident list --open
    """
    from amends.desk.models import Incident

    found = Incident.objects.order_by("-pk")
    if only_open:
        found = found.filter(closed_at__isnull=True)
    rows = [i.as_json() for i in found]
    lines = [
        f"incident {r['incident']}\tpost {r['post']}\t{r['kind']}\t{r['severity']}\t"
        f"{r['status']}\t{r['summary']}"
        for r in rows
    ]
    return {"incidents": rows}, "\n".join(lines) or "no incidents"


@incident.command("show")
@click.argument("incident_id", metavar="INCIDENT")
@command
def incident_show(incident_id):
    """Show an incident: the five steps, the response budget, the timeline.

    Example: amends incident show 4 --json
    """
    from amends.desk.reports import incident_report

    report = incident_report(incident_id)
    lines = [f"incident {report['incident']} ({report['severity']}, {report['status']})"]
    lines += [f"  {s['step']}: {s['status']}" for s in report["steps"]]
    lines.append(f"  budget: {report['budget']['used']} of {report['budget']['limit']}")
    return report, "\n".join(lines)


@incident.command("review")
@click.argument("incident_id", metavar="INCIDENT")
@click.option(
    "--pdf",
    "pdf_file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Also write the review as a PDF to this file.",
)
@command
def incident_review(incident_id, pdf_file):
    """The incident review for the weekly meeting: time to apology, correction and removal,
    the response budget used, the conversation hour by hour, and every copy found with what
    was done about it.

    Example: amends incident review 4 --pdf review-4.pdf
    """
    from pathlib import Path

    from django.utils import timezone

    from amends.copies.review import review, took
    from amends.copies.review_pdf import pdf
    from amends.desk.lookups import get
    from amends.desk.models import Incident

    found = review(get(Incident, incident_id, "incident"))
    zone = timezone.get_default_timezone()
    if pdf_file:
        Path(pdf_file).write_bytes(pdf(found, zone))

    def seconds(span):
        return None if span is None else round(span.total_seconds())

    data = {
        "incident": found.incident.pk,
        "time_to_apology": seconds(found.to_apology),
        "time_to_correction": seconds(found.to_correction),
        "time_to_removal": seconds(found.to_removal),
        "budget": {"used": found.used, "limit": found.budget},
        "activity": found.total,
        "peak": found.peak.isoformat() if found.peak else None,
        "fallen_by": found.fallen_by,
        "advice": found.advice,
        "mentions": found.mentions,
        "handled": found.handled,
        "copies": [
            {
                "post": c.post,
                "url": c.url,
                "found_by": c.found_by,
                "revision": c.revision,
                "shows_error": c.shows_error,
                "done": c.done,
            }
            for c in found.copies
        ],
    }
    lines = [
        f"incident {found.incident.pk}: {found.incident.summary}",
        f"  time to apology: {took(found.to_apology)}",
        f"  time to correction: {took(found.to_correction)}",
        f"  time to removal: {took(found.to_removal)}",
        f"  budget: {found.used} of {found.budget}",
        f"  the public: {found.total} in all; {found.advice}",
        f"  copies: {len(found.copies)}",
        *(f"    {c.url} ({c.found_by}, revision {c.revision}): {c.done}" for c in found.copies),
    ]
    if pdf_file:
        lines.append(f"written to {pdf_file}")
    return data, "\n".join(lines)


@incident.command("close")
@click.argument("incident_id", metavar="INCIDENT")
@click.option("--statement", required=True, help="The final statement (- reads stdin).")
@click.option(
    "--rationale", default="", help="Why you close it now, for the record (needed to close)."
)
@click.option(
    "--not-needed",
    "not_needed",
    multiple=True,
    metavar="STEP:WHY",
    help="A step not done and why it was not needed, e.g. 'laugh:Serious incident'. Repeat "
    "for each step not done.",
)
@click.option("--check", is_flag=True, help="Only check the statement; close nothing.")
@click.option(
    "--anyway", is_flag=True, help="Publish despite the checker (needs --reason; recorded)."
)
@click.option("--reason", default="", help="With --anyway: why you override the checker.")
@as_option
@command
def incident_close(incident_id, statement, rationale, not_needed, check, anyway, reason, as_user):
    """Move on: close the incident with a final statement. The statement is checked like an
    apology (no minimising, no evasion, no blame; no humour after a serious incident); each
    step not done needs --not-needed saying why. The statement does not count against the
    response budget.

    Example: amends incident close 4 --statement "We corrected the date on 3 May." --rationale
    "Corrected and apologised; no further questions." --as sam
    """
    from amends.actions import CloseIncident

    needs_reason(anyway and not check, reason)
    skipped = {}
    for item in not_needed:
        step, sep, why = item.partition(":")
        if not sep:
            raise click.UsageError(f"--not-needed: give STEP:WHY (got {item!r})")
        skipped[step.strip()] = why.strip()
    statement = text_or_stdin(statement)
    warn_personal(statement)
    action = CloseIncident(
        user_named(as_user),
        incident=incident_id,
        statement=statement,
        rationale=rationale,
        not_needed=skipped,
        check=check,
        anyway=anyway,
        override_reason=reason,
    )
    closed = action.run()
    findings = [f.as_json() for f in action.findings]
    lines = [f"{f['severity']}: {f['message']}" for f in findings]
    if closed is None:
        undone = ", ".join(action.undone) or "none"
        return {"incident": int(incident_id), "findings": findings, "not_done": action.undone}, (
            "\n".join([f"checked; nothing published. Steps not done: {undone}", *lines])
        )
    return {
        "incident": closed.pk,
        "status": "closed",
        "statement": closed.statement_id,
        "findings": findings,
    }, "\n".join([f"incident {closed.pk} closed", *lines])


@incident.command("protect")
@click.argument("incident_id", metavar="INCIDENT")
@click.option(
    "--name",
    "names",
    multiple=True,
    metavar="NAME",
    help="A name that must never be published (repeat for each). None clears the list.",
)
@as_option
@command
def incident_protect(incident_id, names, as_user):
    """Set the incident's protected names: a victim, a witness or a child who must not be
    identified. They are stored encrypted and never shown; anything published about the
    incident that contains one (fuzzily matched) is refused, and composers warn about it.

    Example: amends incident protect 4 --name "Mary Jones" --name "Tom Jones" --as alice
    """
    from amends.actions import ProtectNames

    done = ProtectNames(user_named(as_user), incident=incident_id, names=list(names)).run()
    count = len(done.protected_names())
    return {"incident": done.pk, "protected": count}, (
        f"incident {done.pk}: {count} protected name{'s' if count != 1 else ''}"
    )


@incident.command("assign")
@click.argument("incident_id", metavar="INCIDENT")
@click.option("--to", "to", required=True, metavar="USER", help="The author or supervisor.")
@as_option
@command
def incident_assign(incident_id, to, as_user):
    """Hand the incident to another author or supervisor, who sees it through from now.

    Example: amends incident assign 4 --to sam --as alice
    """
    from amends.actions import AssignIncident

    done = AssignIncident(user_named(as_user), incident=incident_id, to=to).run()
    return {"incident": done.pk, "owner": done.owner.username}, (
        f"incident {done.pk} is now owned by {done.owner.username}"
    )


@incident.command("note")
@click.argument("incident_id", metavar="INCIDENT")
@click.option("--text", required=True, help="The note, for the team only (- reads stdin).")
@as_option
@command
def incident_note(incident_id, text, as_user):
    """Write an internal note on the incident, for the team: never published, kept in the
    record with who wrote it and when.

    Example: amends incident note 4 --text "The witness's family has been told." --as alice
    """
    from amends.actions import NoteIncident

    done = NoteIncident(user_named(as_user), incident=incident_id, text=text_or_stdin(text)).run()
    return {"incident": done.incident_id, "note": done.pk}, (
        f"note {done.pk} added to incident {done.incident_id}"
    )


@click.command()
@click.argument("post_id", metavar="POST")
@click.option("--text", required=True, help="The redacted wording (- reads standard input).")
@click.option("--reason", required=True, help="What was removed and why, in general words.")
@as_option
@command
def redact(post_id, text, reason, as_user):
    """Publish a redacted version of a post taken down for harmful content: a new post with
    what had to go replaced by "[name removed]". It never shows the old wording; the
    original stays sealed. Protected names and personal data are refused.

    Example: amends redact 12 --text "A man was arrested in [area removed]." --reason
    "It identified a witness." --as alice
    """
    from amends.actions import PublishRedacted

    published = PublishRedacted(
        user_named(as_user), post=post_id, text=text_or_stdin(text), reason=reason
    ).run()
    return {"post": published.pk, "redacts": published.redacts_id}, (
        f"redacted version published as post {published.pk}"
    )


@incident.command("add")
@click.argument("incident_id", metavar="INCIDENT")
@click.argument("what", metavar="POST|URL")
@as_option
@command
def incident_add(incident_id, what, as_user):
    """Add the same message on another channel to the incident: a post number, or the link to
    a post made outside Amends (adopted first). The five steps then apply to it too.

    Example: amends incident add 4 https://bsky.app/profile/police.bsky.social/post/3kq2 --as alice
    """
    from amends.actions import AddToIncident, AdoptPost

    user = user_named(as_user)
    post = int(what) if what.isdigit() else AdoptPost(user, url=what).run().pk
    AddToIncident(user, incident=incident_id, post=post).run()
    return {"incident": int(incident_id), "post": post}, (
        f"post {post} added to incident {incident_id}"
    )


@incident.command("channels")
@click.argument("incident_id", metavar="INCIDENT")
@command
def incident_channels(incident_id):
    """List the incident's posts on every channel, and the force's other recent posts with
    near-identical wording (the channels the same message probably went to).

    Example: amends incident channels 4
    """
    from amends.actions.channels import suggestions
    from amends.desk.lookups import get
    from amends.desk.models import Incident

    found = get(Incident, incident_id, "incident")
    posts = [{"post": p.pk, "account": str(p.account), "status": p.status} for p in found.posts()]
    alike = [
        {"post": p.pk, "account": str(p.account), "likeness": round(score, 2)}
        for p, score in suggestions(found)
    ]
    lines = [f"post {p['post']}\t{p['account']}\t{p['status']}" for p in posts]
    lines += [
        f"alike: post {a['post']}\t{a['account']}\t{a['likeness']:.0%} the same" for a in alike
    ]
    return {"incident": found.pk, "posts": posts, "alike": alike}, "\n".join(lines)


@incident.command("correct")
@click.argument("incident_id", metavar="INCIDENT")
@click.option("--text", required=True, help="The full corrected wording (- reads stdin).")
@click.option("--reason", required=True, help="What was wrong, for the public correction note.")
@click.option("--rationale", default="", help="Why, for the record (never published).")
@as_option
@command
def incident_correct(incident_id, text, reason, rationale, as_user):
    """Correct every channel of the incident at once: one wording, sent to each post by its
    platform's strategy (an edit, a reply in the thread). Every channel is checked first; if
    one cannot take it, nothing is sent.

    Example: amends incident correct 4 --text "Closes 14 May." --reason "Wrong date" --as alice
    """
    from amends.actions import CorrectEverywhere

    text = text_or_stdin(text)
    warn_personal(text)
    action = CorrectEverywhere(
        user_named(as_user), incident=incident_id, text=text, reason=reason, rationale=rationale
    )
    revisions = action.run()
    rows = [
        {"post": r.post_id, "revision": r.n, "how": c.plan.how, "why": c.plan.why}
        for r, c in zip(revisions, action.corrections, strict=True)
    ]
    lines = [f"post {r['post']} corrected (revision {r['revision']}): {r['why']}" for r in rows]
    return {"incident": int(incident_id), "corrected": rows}, "\n".join(lines)


COMMANDS = {"incident": incident, "redact": redact}
