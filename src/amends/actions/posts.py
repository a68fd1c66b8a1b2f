"""Publishing, correcting, apologising and replying."""

from django.utils.translation import gettext

from amends.actions.base import Action, PolicyViolation, require_override_reason
from amends.clock import now
from amends.connectors import rules_for
from amends.copies import sending
from amends.delivery import outbox
from amends.desk import incidents as incident_rules
from amends.desk.lookups import account_by_key, current_text, get, required_text
from amends.desk.models import Account, Incident, Post, Revision
from amends.desk.roles import WRITERS
from amends.errors import BadInput
from amends.notify import events
from amends.record import api as record
from amends.text import personal
from amends.text.apology import blocking, check_apology
from amends.text.tone import humour_markers

RECORD_KINDS = {
    Post.Kind.POST: "post.published",
    Post.Kind.APOLOGY: "apology.published",
    Post.Kind.REPLY: "reply.published",
    Post.Kind.STATEMENT: "statement.published",
}


def limit_of(account: Account) -> int | None:
    """The account's length limit in characters, for the apology checker's warning."""
    connector = rules_for(account)
    return connector.settings.get("limit", connector.capabilities.limit)


def publish_post(action: Action, account: Account, body: str, *, kind: str, data: dict, **links):
    """Create a post of ``kind`` with its first revision, recorded with its exact wording."""
    post = Post.objects.create(
        account=account,
        kind=kind,
        created_by=action.actor,
        created_at=now(),
        wording=body,
        **links,
    )
    entry = record.append(
        RECORD_KINDS[kind],
        {"account": str(account), "post": post.pk, "kind": kind, **data},
        actor=action.actor_name,
        subject=post.subject,
        content=body,
    )
    first = Revision.objects.create(
        post=post, n=1, seq=entry.seq, created_by=action.actor, created_at=post.created_at
    )
    outbox.publish(post, first)
    sending.queue([post.pk])
    action.touch(f"post:{post.pk}", "index", "feed")
    if links.get("in_reply_to") is not None:
        action.touch(f"post:{links['in_reply_to'].pk}")
    return post


def checker_objects() -> str:
    """What a page says when a checker refuses the words (its findings are shown beside)."""
    return gettext(
        "The checker objects to this wording (see what it found). Rewrite it, or, if you are "
        "sure, tick the box below and say why: it is recorded."
    )


def guard_names(incident: Incident | None, words: str, field: str = "text") -> None:
    """Never publish a name the case officer protected, not even with --anyway: it would
    identify someone the law or the case protects. (Other personal data is warned about.)"""
    if incident is None or not incident.protected:
        return
    for finding in personal.find(words, protected=incident.protected_names()):
        if finding.kind == "name":
            raise PolicyViolation(
                f"{field}: it contains a name protected in incident {incident.pk}; take it out "
                "(write [name removed]). This cannot be overridden",
                field=field,
                said=gettext(
                    "It contains a name protected in incident %(n)s. Take it out (write “[name "
                    "removed]”): this cannot be overridden."
                )
                % {"n": incident.pk},
            )


def guard_tone(incident: Incident | None, words: str, anyway: bool) -> list[str]:
    """Humour markers that the tone guard refuses (empty when allowed)."""
    if incident is None:
        return []
    about = {"tone": "a misjudged tone", "harmful": "harmful content"}.get(incident.kind)
    if about is None and incident.severity not in incident_rules.SERIOUS:
        return []
    found = humour_markers(words)
    if found and not anyway:
        after = {
            "tone": gettext("an incident about a misjudged tone"),
            "harmful": gettext("an incident about harmful content"),
            "serious": gettext("a serious incident"),
            "critical": gettext("a critical incident"),
        }.get(incident.kind if about else incident.severity, "")
        raise PolicyViolation(
            f"text: humour ({', '.join(found)}) is wrong after "
            f"{f'an incident about {about}' if about else f'a {incident.severity} incident'}; "
            "take it out, or use --anyway if you are sure (it will be recorded)",
            said=gettext(
                "Humour (%(found)s) is wrong after %(after)s. Take it out, or, if you are sure, "
                "tick the box below and say why: it is recorded."
            )
            % {"found": ", ".join(found), "after": after},
        )
    return found


class _Counted(Action):
    """A response counted against its incident's budget: once the budget is spent, the people
    on call are told (once)."""

    def after(self, result):
        post = result if isinstance(result, Post) else getattr(result, "post", None)
        incident = incident_rules.incident_for(post) if post is not None else None
        if incident is not None and incident.is_open:
            used = incident_rules.budget_used(incident)
            if used >= incident.budget:
                events.safely(events.budget_spent, incident, used)
        return result


LANGUAGES = {"en": "English", "cy": "Welsh"}
OTHER = {"en": "cy", "cy": "en"}


class Publish(Action):
    """Publish a post; with ``twin_text``, a bilingual pair: the same message in the other
    language (English and Welsh), published together on the same account or on the twin
    account, each recorded, each pointing to the other."""

    roles = WRITERS
    verb = "publish posts"

    def __init__(
        self,
        actor,
        *,
        account: str,
        text: str,
        language: str = "en",
        twin_text: str = "",
        twin_account: str = "",
    ):
        super().__init__(actor)
        self.account_key, self.text, self.language = account, text, language
        self.twin_text, self.twin_account = twin_text or "", twin_account or ""

    def validate(self):
        required_text(self.text, "text")
        for key, field in ((self.account_key, "account"), (self.twin_account, "twin_account")):
            if field == "twin_account" and not key:
                continue
            if not isinstance(key, str) or ":" not in key:
                raise BadInput(
                    f"{field}: must be PLATFORM:HANDLE, for example house:news", field=field
                )
        if self.language not in LANGUAGES:
            raise BadInput("language: must be en (English) or cy (Welsh)", field="language")
        if self.twin_account and not self.twin_text.strip():
            raise BadInput(
                "twin_text: give the wording in the other language for the twin account",
                field="twin_text",
                said=gettext("Enter the wording in the other language, for the twin account"),
            )
        if self.twin_text.strip():
            required_text(self.twin_text, "twin_text")

    def apply(self) -> Post:
        account = account_by_key(self.account_key)
        twin_account = account_by_key(self.twin_account) if self.twin_account else account
        texts = [(account, self.text, self.language, "text")]
        if self.twin_text.strip():
            texts.append((twin_account, self.twin_text, OTHER[self.language], "twin_text"))
        for where, words, _, field in texts:
            measure = rules_for(where).measure(words)
            if not measure.fits:
                raise BadInput(f"{field}: is {measure} on {where}; shorten it", field=field)
        posts: list[Post] = []
        for where, words, language, _ in texts:
            data = {"language": language}
            if posts:
                data["twin_of"] = posts[0].pk
            post = publish_post(self, where, words, kind=Post.Kind.POST, data=data)
            post.language = language
            post.save(update_fields=["language"])
            posts.append(post)
        if len(posts) == 2:
            first, second = posts
            first.pair, second.pair = second, first
            first.save(update_fields=["pair"])
            second.save(update_fields=["pair"])
            self.touch(f"post:{first.pk}", f"post:{second.pk}")
        return posts[0]


class Correct(_Counted):
    roles = WRITERS
    verb = "correct posts"

    def __init__(
        self,
        actor,
        *,
        post,
        text: str,
        reason: str,
        anyway: bool = False,
        as_reply: bool = False,
        as_quote: bool = False,
        plan_only: bool = False,
        rationale: str = "",
    ):
        super().__init__(actor)
        self.post_id, self.text, self.reason, self.anyway = post, text, reason, anyway
        self.as_reply, self.as_quote, self.plan_only = as_reply, as_quote, plan_only
        # Internal; with --anyway, why the tone guard is overridden (else the reason says it).
        self.rationale = rationale
        self.plan = None  # how the correction reaches the post's platform

    def validate(self):
        required_text(self.text, "text")
        required_text(self.reason, "reason", limit=2000)
        if self.rationale:
            required_text(self.rationale, "rationale", limit=2000)
        if not self.plan_only:
            # The public reason says why too, where no rationale is given.
            require_override_reason(self.anyway, self.rationale or self.reason, "rationale")

    def apply(self) -> Revision:
        post = get(Post, self.post_id, "post")
        if post.removal is not None:
            raise PolicyViolation(
                f"post: post {post.pk} was deleted; it cannot be corrected",
                said=gettext("Post %(n)s was deleted, so it cannot be corrected.") % {"n": post.pk},
            )
        old = current_text(post)
        if self.text == old:
            raise BadInput(
                "text: is the same as the current wording; nothing to correct",
                field="text",
                said=gettext(
                    "The wording is the same as the post's now. Change the words that were wrong."
                ),
            )
        if self.as_quote and not rules_for(post.account).capabilities.quote:
            raise BadInput(
                f"as_quote: {post.account} cannot quote a post; send the correction as an edit "
                "or a reply",
                field="as_quote",
                said=gettext(
                    "%(account)s cannot quote a post. Send the correction as an edit or a reply."
                )
                % {"account": post.account},
            )
        incident = incident_rules.incident_for(post)
        if incident is not None and incident.is_open and incident.kind == Incident.Kind.HARMFUL:
            # Never, not even --anyway: a correction shows the wrong words again, struck
            # through on the site and quoted in the plain-words text for platforms.
            raise PolicyViolation(
                f"post: incident {incident.pk} is about harmful content; a correction would "
                "publish the harmful words again. Ask for the post to be deleted instead",
                said=gettext(
                    "Incident %(n)s is about harmful content: a correction would publish the "
                    "harmful words again. Ask for the post to be deleted instead."
                )
                % {"n": incident.pk},
            )
        guard_names(incident, f"{self.text}\n{self.reason}")
        humour = guard_tone(incident, f"{self.text}\n{self.reason}", self.anyway)
        at = now()  # one moment for the plan's wording and the revision it sends
        self.plan = outbox.plan(
            post,
            old,
            self.text,
            self.reason,
            as_reply=bool(self.as_reply),
            as_quote=bool(self.as_quote),
            at=at,
        )
        if self.plan_only:
            return None
        if not self.plan.fits:
            raise BadInput(f"text: {self.plan.why}", field="text")
        n = post.revisions.count() + 1
        entry = record.append(
            "post.revised",
            {
                "post": post.pk,
                "revision": n,
                "reason": self.reason,
                "rationale": self.rationale,
                "anyway": bool(humour),
                **({"override": self.rationale or self.reason} if humour else {}),
            },
            actor=self.actor_name,
            subject=post.subject,
            content=self.text,
        )
        revision = Revision.objects.create(
            post=post,
            n=n,
            seq=entry.seq,
            reason=self.reason,
            rationale=self.rationale,
            override_reason=(self.rationale or self.reason) if humour else "",
            created_by=self.actor,
            created_at=at,
        )
        post.wording = self.text
        post.save(update_fields=["wording"])
        outbox.correct(post, self.plan, revision)
        sending.queue([post.pk])
        self.touch(f"post:{post.pk}", "index", "feed", "corrections")
        return revision


class Apologise(_Counted):
    """An apology is a reply on the post's own channel, checked by the apology checker."""

    roles = WRITERS
    verb = "publish apologies"

    def __init__(
        self,
        actor,
        *,
        post,
        text: str,
        check: bool = False,
        anyway: bool = False,
        override_reason: str = "",
    ):
        super().__init__(actor)
        self.post_id, self.text, self.check, self.anyway = post, text, check, anyway
        self.override_reason = override_reason
        self.findings = []

    def validate(self):
        required_text(self.text, "text")
        if not self.check:
            require_override_reason(self.anyway, self.override_reason)

    def apply(self) -> Post | None:
        post = get(Post, self.post_id, "post")
        self.findings = check_apology(self.text, limit=limit_of(post.account))
        incident = incident_rules.incident_for(post)
        if self.check:
            return None
        errors = blocking(self.findings)
        if errors and not self.anyway:
            raise PolicyViolation(
                f"text: {errors[0].message}; rewrite it, or use --anyway if you are sure "
                "(it will be recorded)",
                said=checker_objects(),
            )
        guard_names(incident, self.text)
        humour = guard_tone(incident, self.text, self.anyway)
        return publish_post(
            self,
            post.account,
            self.text,
            kind=Post.Kind.APOLOGY,
            data={
                "in_reply_to": post.pk,
                # Severity and code only: a finding's message may quote the apology, and the
                # wording must stay sealable while the entry itself never changes.
                "findings": [{"severity": f.severity, "code": f.code} for f in self.findings],
                "anyway": bool(errors or humour),
                **({"override": self.override_reason} if errors or humour else {}),
            },
            in_reply_to=post,
            incident=incident,
            override_reason=self.override_reason if errors or humour else "",
        )


class Reply(_Counted):
    """A reply about a post. Once the incident is closed or its budget is spent, replying keeps
    the matter alive: refused unless the author insists."""

    roles = WRITERS
    verb = "reply"

    def __init__(self, actor, *, post, text: str, anyway: bool = False, override_reason: str = ""):
        super().__init__(actor)
        self.post_id, self.text, self.anyway = post, text, anyway
        self.override_reason = override_reason

    def validate(self):
        required_text(self.text, "text")
        require_override_reason(self.anyway, self.override_reason)

    def apply(self) -> Post:
        post = get(Post, self.post_id, "post")
        incident = incident_rules.incident_for(post)
        insisted = []
        if incident is not None:
            if not incident.is_open:
                insisted.append("closed")
                if not self.anyway:
                    raise PolicyViolation(
                        f"post: incident {incident.pk} is closed; move on rather than reply "
                        "(use --anyway if you must; it will be recorded)",
                        said=gettext(
                            "Incident %(n)s is closed: move on rather than reply. If you must, "
                            "tick the box below and say why: it is recorded."
                        )
                        % {"n": incident.pk},
                    )
            used = incident_rules.budget_used(incident)
            if used >= incident.budget:
                insisted.append("budget")
                if not self.anyway:
                    raise _budget_spent(incident, used)
        guard_names(incident, self.text)
        if guard_tone(incident, self.text, self.anyway):
            insisted.append("tone")
        return publish_post(
            self,
            post.account,
            self.text,
            kind=Post.Kind.REPLY,
            data={
                "in_reply_to": post.pk,
                # One type in every entry kind: did the person override a check? Which ones a
                # reply overrode (a closed incident, a spent budget, the tone guard) apart.
                "anyway": bool(insisted),
                "overridden": insisted,
                **({"override": self.override_reason} if insisted else {}),
            },
            in_reply_to=post,
            override_reason=self.override_reason if insisted else "",
            incident=incident if incident is not None and incident.is_open else None,
        )


def _budget_spent(incident: Incident, used: int) -> PolicyViolation:
    """The refusal of a reply past the budget, with what the conversation's curve says when it
    has ended on its own or came back after an answer (amends.copies.conversation)."""
    from django.utils.translation import override

    from amends.copies.conversation import advice, signal

    said = {"n": incident.pk, "used": used, "limit": incident.budget}
    _, found = signal(incident)
    if found.state not in ("falling", "revived"):
        return PolicyViolation(
            f"post: the response budget of incident {incident.pk} is spent ({used} of "
            f"{incident.budget}); every further reply keeps the matter alive (use --anyway if "
            "you must; it will be recorded)",
            said=gettext(
                "The response budget of incident %(n)s is spent (%(used)s of %(limit)s): every "
                "further reply keeps the matter alive. If you must, tick the box below and say "
                "why: it is recorded."
            )
            % said,
        )
    with override("en"):
        english = advice(found)
    return PolicyViolation(
        f"post: the response budget of incident {incident.pk} is spent ({used} of "
        f"{incident.budget}); {english[0].lower()}{english[1:-1]} (use --anyway if you must; it "
        "will be recorded)",
        said=gettext(
            "The response budget of incident %(n)s is spent (%(used)s of %(limit)s): every "
            "further reply keeps the matter alive. %(advice)s If you must, tick the box below "
            "and say why: it is recorded."
        )
        % {**said, "advice": advice(found)},
    )
