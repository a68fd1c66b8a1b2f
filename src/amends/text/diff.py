"""Word-level diff between two wordings of a post.

Text is split into words, runs of punctuation and runs of white space, so that "4 May." and
"14 May." differ by one word. The diff is a list of operations whose ``equal`` and ``delete``
parts spell the old text and whose ``equal`` and ``insert`` parts spell the new one, exactly.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

TOKEN = re.compile(r"\w+|[^\w\s]+|\s+")
LONG = 4000  # tokens compared, old and new together

Kind = Literal["equal", "delete", "insert"]


@dataclass(frozen=True)
class Op:
    kind: Kind
    text: str


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Op]:
    a, b = tokens(old), tokens(new)
    ops: list[Op] = []

    def add(kind: Kind, parts: list[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if ops and ops[-1].kind == kind:
            ops[-1] = Op(kind, ops[-1].text + text)
        else:
            ops.append(Op(kind, text))

    # A correction usually changes a few words: the common start and end are equal as they
    # stand, and only the middle is compared (which keeps a long post's diff fast).
    shortest = min(len(a), len(b))
    head = 0
    while head < shortest and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < shortest - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a_mid, b_mid = a[head : len(a) - tail], b[head : len(b) - tail]
    add("equal", a[:head])
    # Comparing is quadratic in the worst case; beyond a few thousand words, the most frequent
    # tokens (spaces, "the") are not used as anchors, and the diff stays exact but may be longer.
    matcher = SequenceMatcher(None, a_mid, b_mid, autojunk=len(a_mid) + len(b_mid) > LONG)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", a_mid[i1:i2])
        else:
            add("delete", a_mid[i1:i2])
            add("insert", b_mid[j1:j2])
    add("equal", a[len(a) - tail :])
    return _tidy(ops)


def _run(ops: list[Op], start: int) -> tuple[str, str, int]:
    """The deleted and inserted text of the change run starting at ``start``, and its end."""
    deleted, inserted, i = "", "", start
    while i < len(ops) and ops[i].kind != "equal":
        if ops[i].kind == "delete":
            deleted += ops[i].text
        else:
            inserted += ops[i].text
        i += 1
    return deleted, inserted, i


def _tidy(ops: list[Op]) -> list[Op]:
    """Join two replacements separated only by white space into one, so that a changed phrase
    reads as one deletion and one insertion rather than word by word."""
    out: list[Op] = []
    i = 0
    while i < len(ops):
        if ops[i].kind == "equal":
            out.append(ops[i])
            i += 1
            continue
        deleted, inserted, i = _run(ops, i)
        while (
            deleted
            and inserted
            and i + 1 < len(ops)
            and ops[i].text.isspace()
            and ops[i + 1].kind != "equal"
        ):
            more_deleted, more_inserted, end = _run(ops, i + 1)
            if not (more_deleted and more_inserted):
                break
            gap = ops[i].text
            deleted += gap + more_deleted
            inserted += gap + more_inserted
            i = end
        if deleted:
            out.append(Op("delete", deleted))
        if inserted:
            out.append(Op("insert", inserted))
    return out


def old_text(ops: list[Op]) -> str:
    return "".join(op.text for op in ops if op.kind != "insert")


def new_text(ops: list[Op]) -> str:
    return "".join(op.text for op in ops if op.kind != "delete")


def changes(ops: list[Op]) -> list[tuple[str, str]]:
    """The changed passages as ``(was, now)`` pairs, in order ("" where nothing was)."""
    pairs: list[tuple[str, str]] = []
    was, now = "", ""
    for op in ops:
        if op.kind == "equal":
            if was or now:
                pairs.append((was.strip(), now.strip()))
            was, now = "", ""
        elif op.kind == "delete":
            was += op.text
        else:
            now += op.text
    if was or now:
        pairs.append((was.strip(), now.strip()))
    return pairs
