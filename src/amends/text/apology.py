"""The apology checker: does an apology apologise, plainly, for something named?

English and Welsh: the four Welsh forces apologise in both ("mae'n ddrwg gennym", "ymddiheurwn"),
and the same evasions have Welsh forms ("os oedd unrhyw un wedi'i dramgwyddo", "gwnaed
camgymeriadau"). The Welsh patterns allow both apostrophes (' and ’) and the mutated forms a
word takes after another (tramgwyddo, dramgwyddo, thramgwyddo).

Findings have a severity: an ``error`` blocks publishing unless the author insists (and that is
recorded); a ``warning`` is shown.
"""

import re
from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    severity: str
    code: str
    message: str
    # What the message quotes or counts, so that a page can say it in another language.
    found: str = ""
    limit: int = 0

    def as_json(self) -> dict:
        return {"severity": self.severity, "code": self.code, "message": self.message}


def _any(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_AP = "['\u2019]"  # an apostrophe, straight or curly
EXPLICIT = _any(
    [
        r"\bsorry\b",
        r"\bapologi[sz]e[sd]?\b",
        r"\bapologies\b",
        r"\bapology\b",
        # Welsh: we are sorry, I am sorry; we apologise, apologies; sorry.
        rf"\bmae{_AP}?n (?:wir |fawr )?ddrwg (?:gennym|gennyn ni|gen i|gennyf|iawn gennym)\b",
        r"\bymddiheur\w*",
        r"\bsori\b",
    ]
)
CONDITIONAL = _any(
    [
        r"\bif (?:anyone|anybody|people|you|some(?:one|body)?|any of you)\b[^.!?]{0,40}?"
        r"\b(?:offended|upset|hurt|distressed|took offence|took offense)\b",
        r"\bif (?:we|this|the post|our post)\b[^.!?]{0,30}?\b(?:caused|offended|upset|hurt)\b",
        r"\bany (?:offen[cs]e|upset|distress|hurt) (?:this )?"
        r"(?:may have been |that may have been )?"
        r"(?:caused|taken)\b",
        r"\bsorry (?:that )?you (?:feel|felt|think|were offended|are offended|took)\b",
        r"\bsorry if\b",
        r"\bto (?:those|anyone) who (?:was|were|felt|may have been) (?:offended|upset)\b",
        # Welsh: if anyone was offended / upset / hurt; sorry if; any offence caused.
        r"\bos (?:oes |oedd |yw |ydy |cafodd |ydych |bu )?(?:unrhyw un|unrhyw rai|rhywun|pobl|chi)"
        r"\b[^.!?]{0,40}?\b(?:[dt]h?ramgwydd\w*|ypset\w*|[cg]h?ynhyrf\w*|[bf]rif\w*|gofid\w*)",
        r"\b(?:ddrwg (?:gennym|gen i)|sori) os\b",
        r"\bunrhyw (?:dramgwydd|dramgwyddo|ofid|loes)\b[^.!?]{0,30}?\b(?:achoswyd|achosi)\b",
    ]
)
PASSIVE = _any(
    [
        r"\bmistakes were made\b",
        r"\berrors were made\b",
        r"\bit is regrettable\b",
        r"\bregrettabl[ey] (?:a|an|the)\b",
        r"\bwas (?:posted|published|shared) in error\b",
        r"\bthings were said\b",
        # Welsh: mistakes were made; posted / published in error; it is regrettable.
        r"\bgwnaed camgymeriad\w*",
        r"\b(?:postiwyd|cyhoeddwyd|rhannwyd)\b[^.!?]{0,30}?\bmewn camgymeriad\b",
        rf"\bmae{_AP}?n anffodus\b",
    ]
)
BLAME = _any(
    [
        r"\b(?:a|an|one of our) (?:junior|new|inexperienced)? ?(?:member of staff|employee|intern|"
        r"volunteer|officer)\b[^.!?]{0,40}\b(?:posted|shared|made|wrote)\b",
        r"\b(?:technical|system|IT) (?:error|glitch|fault|issue)\b",
        r"\bautocorrect\b",
        r"\bhack(?:ed|ers?)\b",
        r"\bthe (?:app|platform|algorithm|scheduler|software)\b",
        r"\bmisinterpreted\b",
        r"\btaken out of context\b",
        # Welsh: a technical error or fault; hacked; autocorrect; out of context.
        r"\b(?:gwall|nam) technegol\b",
        r"\b(?:hacio|haciwyd|hacwyr)\b",
        r"\bcywiro awtomatig\b",
        rf"\ballan o{_AP}i gyd-destun\b",
    ]
)
NAMES_WRONG = _any(
    [
        r"\bwrong(?:ly)?\b",
        r"\bincorrect(?:ly)?\b",
        r"\binaccurate\b",
        r"\bmistake\b",
        r"\berror\b",
        r"\bshould(?: not|n't)? have\b",
        r"\bmisleading\b",
        r"\bnot acceptable\b",
        r"\bunacceptable\b",
        r"\binappropriate\b",
        r"\bhurtful\b",
        r"\boffensive\b",
        r"\bfalse\b",
        r"\buntrue\b",
        r"\bfell short\b",
        r"\bgot (?:it|this|that) wrong\b",
        r"\bnot (?:true|right)\b",
        # Welsh: wrong, mistake, error, misleading, unacceptable, inappropriate, offensive,
        # untrue; we should not have; not true.
        r"\b(?:yn )?anghywir\b",
        r"\bgamgymeriad\w*|\bcamgymeriad\w*",
        r"\b(?:g|ng)?wall\b",
        r"\bgamarweiniol\b|\bcamarweiniol\b",
        r"\bannerbyniol\b",
        r"\bamhriodol\b",
        r"\bsarhaus\b",
        r"\banwir\b",
        r"\bni ddylem (?:fod wedi|fod)\b",
        r"\bddim yn wir\b",
    ]
)


def check_apology(
    text: str, *, limit: int | None = None, counted: int | None = None
) -> list[Finding]:
    """Findings about an apology's wording. ``limit``: the platform's length limit, with
    ``counted`` the text's length by that platform's rules (default: characters)."""
    findings: list[Finding] = []
    if not EXPLICIT.search(text):
        findings.append(
            Finding(
                ERROR,
                "no_apology",
                "no explicit apology: say \u201csorry\u201d or \u201cwe apologise\u201d plainly",
            )
        )
    for match in CONDITIONAL.finditer(text):
        findings.append(
            Finding(
                ERROR,
                "conditional",
                f"conditional or minimising apology (\u201c{match.group(0)}\u201d): apologise for "
                "what was done, not for how people feel about it",
                found=match.group(0),
            )
        )
    for match in PASSIVE.finditer(text):
        findings.append(
            Finding(
                ERROR,
                "passive",
                f"passive evasion (\u201c{match.group(0)}\u201d): "
                "say who got it wrong \u2014 we did",
                found=match.group(0),
            )
        )
    for match in BLAME.finditer(text):
        findings.append(
            Finding(
                WARNING,
                "blame",
                f"shifts the blame (\u201c{match.group(0)}\u201d): the force posted it and owns it",
                found=match.group(0),
            )
        )
    if not NAMES_WRONG.search(text):
        findings.append(
            Finding(
                WARNING,
                "not_specific",
                "does not say what was wrong: name the mistake "
                "(\u201cthe date we gave was wrong\u201d)",
            )
        )
    length = len(text) if counted is None else counted
    if limit is not None and length > limit:
        findings.append(
            Finding(
                ERROR,
                "too_long",
                f"too long for the platform: {length} of {limit} allowed",
                found=str(length),
                limit=limit,
            )
        )
    return findings


def blocking(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == ERROR]
