"""Opening and closing incidents."""

from django.utils.translation import gettext

from amends.actions.base import Action, PolicyViolation, require_override_reason
from amends.actions.posts import checker_objects, guard_names, guard_tone, limit_of, publish_post
from amends.clock import now
from amends.desk import incidents as rules
from amends.desk import policy
from amends.desk.lookups import get, required_text
from amends.desk.models import Incident, Post
from amends.errors import BadInput, Refused
from amends.notify import api as notify
from amends.record import api as record
from amends.text.apology import ERROR, Finding, blocking, check_apology


class OpenIncident(Action):
    roles = ("author", "supervisor")
    verb = "open incidents"

    def __init__(self, actor, *, post, kind: str, severity: str, summary: str, rationale: str):
        super().__init__(actor)
        self.post_id, self.kind, self.severity, self.summary = post, kind, severity, summary
        self.rationale = rationale

    def validate(self):
        if self.kind not in Incident.Kind.values:
            allowed = "|".join(Incident.Kind.values)
            raise BadInput(
                f"kind: must be {allowed} (got {self.kind!r})",
                field="kind",
                said=gettext("Select what went wrong"),
            )
        if self.severity not in Incident.Severity.values:
            allowed = "|".join(Incident.Severity.values)
            raise BadInput(
                f"severity: must be {allowed} (got {self.severity!r})",
                field="severity",
                said=gettext("Select how serious it is"),
            )
        required_text(self.summary, "summary", limit=2000)
        required_text(self.rationale, "rationale", limit=2000)

    def apply(self) -> Incident:
        post = get(Post, self.post_id, "post")
        if post.kind != Post.Kind.POST:
            raise BadInput(
                f"post: post {post.pk} is a {post.kind}; open the incident on the post",
                said=gettext(
                    "This is one of the force's responses, not the post that went wrong: open "
                    "the incident on the post itself."
                ),
            )
        if post.incidents.filter(closed_at__isnull=True).exists():
            raise Refused(
                f"post: post {post.pk} already has an open incident",
                said=gettext("Post %(n)s already has an open incident: carry on with that one.")
                % {"n": post.pk},
            )
        incident = Incident.objects.create(
            post=post,
            kind=self.kind,
            severity=self.severity,
            summary=self.summary,
            rationale=self.rationale,
            budget=policy.budget(self.severity),
            opened_by=self.actor,
            opened_at=now(),
            owner=self.actor,
        )
        record.append(
            "incident.opened",
            {
                "incident": incident.pk,
                "post": post.pk,
                "kind": self.kind,
                "severity": self.severity,
                "summary": self.summary,
                "rationale": self.rationale,
                "budget": incident.budget,
            },
            actor=self.actor_name,
            subject=f"incident:{incident.pk}",
        )
        return incident


# The apology checker's rules that matter for a final statement: it need not say sorry again,
# but it must not minimise, evade or blame, and it must fit.
STATEMENT_RULES = frozenset({"conditional", "passive", "blame", "too_long"})


def statement_findings(incident: Incident, text: str) -> list:
    """What the apology checker's rules for statements, and the tone guard, find in a final
    statement (the guard's finding is what closing would refuse)."""
    if not text.strip():
        return []
    found = check_apology(text, limit=limit_of(incident.post.account))
    found = [f for f in found if f.code in STATEMENT_RULES]
    try:
        guard_tone(incident, text, False)
    except PolicyViolation as refusal:
        message = refusal.message.removeprefix("text: ").split("; take it out")[0]
        found.append(Finding(ERROR, "humour", message))
    return found


class CloseIncident(Action):
    """Move on: close the incident with a final statement on the post's channel. The statement
    passes the tone guard and the apology checker's rules for statements (``check`` only
    checks); every step not done needs a word on why it was not needed. The statement does not
    count against the response budget."""

    roles = ("supervisor",)
    verb = "close incidents"

    def __init__(
        self,
        actor,
        *,
        incident,
        statement: str,
        rationale: str,
        not_needed: dict[str, str] | None = None,
        check: bool = False,
        anyway: bool = False,
        override_reason: str = "",
    ):
        super().__init__(actor)
        self.incident_id, self.statement, self.rationale = incident, statement, rationale
        self.not_needed = dict(not_needed or {})
        self.check, self.anyway, self.override_reason = check, anyway, override_reason
        self.findings: list = []
        self.undone: list[str] = []

    def validate(self):
        required_text(self.statement, "statement")
        if not self.check:
            required_text(self.rationale, "rationale", limit=2000)
            require_override_reason(self.anyway, self.override_reason)
        for step, why in self.not_needed.items():
            if step not in policy.STEP_NAMES:
                allowed = ", ".join(policy.STEP_NAMES)
                raise BadInput(
                    f"not_needed: {step!r} is not a step; steps are {allowed}", field="not_needed"
                )
            required_text(why, "not_needed", limit=2000)

    def apply(self) -> Incident | None:
        incident = get(Incident, self.incident_id, "incident")
        if not incident.is_open:
            raise Refused(
                f"incident: incident {incident.pk} is already closed",
                said=gettext("Incident %(n)s is already closed.") % {"n": incident.pk},
            )
        account = incident.post.account
        self.findings = statement_findings(incident, self.statement)
        self.undone = [
            s.step for s in rules.steps(incident) if s.status == "to do" and s.step != "move_on"
        ]
        if self.check:
            return None
        missing = [step for step in self.undone if step not in self.not_needed]
        if missing:
            names = ", ".join(policy.STEP_NAMES[step] for step in missing)
            raise BadInput(
                f"not_needed: not done yet: {names}; do it, or say for each why it was not needed",
                field="not_needed",
                said=gettext(
                    "Some steps are not done yet. Do them, or say for each below why it was not "
                    "needed."
                ),
            )
        guard_names(incident, self.statement, "statement")
        errors = blocking(self.findings)
        if errors and not self.anyway:
            raise PolicyViolation(
                f"statement: {errors[0].message}; rewrite it, or use --anyway with a reason "
                "if you are sure (it will be recorded)",
                said=checker_objects(),
            )
        humour = guard_tone(incident, self.statement, self.anyway)
        overridden = bool(errors or humour)
        statement = publish_post(
            self,
            account,
            self.statement,
            kind=Post.Kind.STATEMENT,
            data={
                "in_reply_to": incident.post_id,
                "incident": incident.pk,
                "findings": [{"severity": f.severity, "code": f.code} for f in self.findings],
                **({"override": self.override_reason} if overridden else {}),
            },
            in_reply_to=incident.post,
            incident=incident,
            override_reason=self.override_reason if overridden else "",
        )
        not_needed = {step: self.not_needed[step] for step in self.undone}
        incident.closed_by, incident.closed_at, incident.statement = self.actor, now(), statement
        incident.close_rationale, incident.not_needed = self.rationale, not_needed
        incident.save()
        record.append(
            "incident.closed",
            {
                "incident": incident.pk,
                "post": incident.post_id,
                "statement": statement.pk,
                "rationale": self.rationale,
                "not_needed": not_needed,
            },
            actor=self.actor_name,
            subject=f"incident:{incident.pk}",
        )
        return incident

    def after(self, result):
        if result is not None:
            notify.settle(f"budget:{result.pk}")
        return result
