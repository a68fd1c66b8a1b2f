"""What looks like personal data in a post: a warning for the composer, never a verdict.

A post that names a witness, gives someone's address or their date of birth must come down, not
be corrected; the safest moment to catch it is before it goes out. :func:`find` looks for UK
phone numbers, a house number with a street or a postcode, vehicle registrations, email
addresses, dates of birth, and the names an incident's case officer entered as protected
(matched loosely: capitals, accents and a slip of a letter or two do not hide a name).

Pure: no Django, no network. Public numbers that police posts give on purpose (101, 999, 111,
Crimestoppers) and addresses of public bodies (``.police.uk``, ``.gov.uk``) are not flagged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

KINDS = {
    "phone": "a phone number",
    "address": "a home address",
    "vehicle": "a vehicle registration",
    "email": "an email address",
    "birth": "a date of birth",
    "name": "a protected name",
}

# Numbers a force gives out on purpose: Crimestoppers, and the police non-emergency line.
PUBLIC_NUMBERS = {"0800555111", "01011", "101"}
PUBLIC_DOMAINS = (".police.uk", ".gov.uk", ".nhs.uk", ".sch.uk", ".parliament.uk")

_PHONE = re.compile(
    r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)"  # +44, +44 (0), 0 or (0
    r"(?:\d[\s\-)]?){9,10}"  # then 9 or 10 more digits, spaced or dashed
    r"(?!\w)"
)
_POSTCODE = re.compile(
    r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?)\s?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE
)
_STREETS = (
    "road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|crescent|place|court|gardens"
    "|terrace|grove|hill|mews|row|square|walk|view|rise|park|green|parade|heights|flats"
)
_HOUSE = re.compile(
    rf"\b(?:flat\s+\d+[a-z]?,?\s+)?\d{{1,4}}[a-z]?,?\s+(?:[A-Z][\w'\-]*\s+){{1,3}}(?:{_STREETS})\b",
    re.IGNORECASE,
)
_HOUSE_BEFORE_POSTCODE = re.compile(r"\b\d{1,4}[a-z]?\b[^.\n]{0,60}$", re.IGNORECASE)
_VEHICLE = re.compile(
    r"\b(?:[A-Z]{2}\d{2}\s?[A-Z]{3}"  # current: AB12 CDE
    r"|[A-Z]\d{1,3}\s?[A-Z]{3}"  # prefix: A123 BCD
    r"|[A-Z]{3}\s?\d{1,3}[A-Z])\b"  # suffix: ABC 123D
)
_EMAIL = re.compile(r"\b[\w.+\-']+@([A-Za-z\d\-]+(?:\.[A-Za-z\d\-]+)+)\b")
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4})"
)
_BIRTH = re.compile(
    rf"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|born(?:\s+on)?)\s*[:\-]?\s*{_DATE}",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    found: str  # the words as they appear in the text
    start: int
    end: int

    @property
    def message(self) -> str:
        what = KINDS[self.kind]
        if self.kind == "name":
            return (
                f"“{self.found}” looks like {what} from this incident. Take it out: a "
                "protected person must not be identified."
            )
        return (
            f"“{self.found}” looks like {what}. Take it out unless the person has agreed to it "
            "being published."
        )

    def as_json(self) -> dict:
        return {"kind": self.kind, "found": self.found, "start": self.start, "end": self.end}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phones(text: str):
    for match in _PHONE.finditer(text):
        digits = _digits(match.group())
        if digits.startswith("44"):
            digits = "0" + digits[2:].removeprefix("0")
        if digits in PUBLIC_NUMBERS or not 10 <= len(digits) <= 11:
            continue
        yield Finding("phone", match.group().strip(), match.start(), match.end())


def _addresses(text: str):
    for match in _HOUSE.finditer(text):
        yield Finding("address", match.group(), match.start(), match.end())
    for match in _POSTCODE.finditer(text):
        before = text[max(0, match.start() - 70) : match.start()]
        house = _HOUSE_BEFORE_POSTCODE.search(before)
        if house is not None:
            start = match.start() - len(before) + house.start()
            yield Finding("address", text[start : match.end()], start, match.end())


def _vehicles(text: str):
    for match in _VEHICLE.finditer(text):
        # Capitals as registrations are written; "Bus 123A" in a sentence is not one.
        if match.group().replace(" ", "").isupper():
            yield Finding("vehicle", match.group(), match.start(), match.end())


def _emails(text: str):
    for match in _EMAIL.finditer(text):
        if ("." + match.group(1).lower()).endswith(PUBLIC_DOMAINS):
            continue
        yield Finding("email", match.group(), match.start(), match.end())


def _births(text: str):
    for match in _BIRTH.finditer(text):
        yield Finding("birth", match.group(), match.start(), match.end())


def fold(text: str) -> str:
    """Lower case without accents, for comparing names."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def _close(a: str, b: str) -> bool:
    """The same name, allowing one slip in five letters (``Smyth`` for ``Smith``)."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.8


def _names(text: str, protected: list[str]):
    words = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
    for name in protected:
        parts = [fold(p) for p in _WORD.findall(name)]
        if not parts:
            continue
        # The whole name, and each part of four letters or more alone (a surname in "Ms Smith").
        wanted = [parts] + ([[p] for p in parts if len(p) >= 4] if len(parts) > 1 else [])
        for target in wanted:
            n = len(target)
            for i in range(len(words) - n + 1):
                window = words[i : i + n]
                if all(_close(w[2], t) for w, t in zip(window, target, strict=True)):
                    start, end = window[0][0], window[-1][1]
                    yield Finding("name", text[start:end], start, end)


def find(text: str, protected: list[str] | None = None) -> list[Finding]:
    """Everything in ``text`` that looks like personal data, in order, without overlaps (the
    longer finding wins)."""
    found = [
        *_phones(text),
        *_addresses(text),
        *_vehicles(text),
        *_emails(text),
        *_births(text),
        *_names(text, protected or []),
    ]
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for finding in found:
        if kept and finding.start < kept[-1].end:
            continue
        kept.append(finding)
    return kept
