"""Nextdoor: every step by hand, because Nextdoor gives a force no API to read or write posts.

Amends still takes a Nextdoor post through the five steps: the post is adopted from its link
with its words pasted by the person (Amends cannot read them, and says so), and each step —
the correction, the apology as a reply, the deletion and its notice — is shown as exactly what
to do in Nextdoor's app, waiting until a person confirms it is done (with a screenshot, kept in
the record). Nothing here talks to the network.
"""

from __future__ import annotations

from amends.connectors import links
from amends.connectors.base import Capabilities, Connector, Remote

EVERYTHING = frozenset({"publish", "edit", "thread", "quote", "delete", "notice"})


class Nextdoor(Connector):
    name = "nextdoor"
    label = "Nextdoor"
    capabilities = Capabilities(edit=True, markup=False, unit="characters", by_hand=EVERYTHING)
    fields = ()  # nothing to connect: Amends never signs in to Nextdoor
    reads = False

    def check(self) -> dict:
        return {}

    adopts = True

    def locate(self, url: str) -> Remote | None:
        """``nextdoor.com/p/ID`` (or nextdoor.co.uk): named, never read."""
        found = links.nextdoor(url)
        return Remote(id=found, url=url) if found else None

    def by_hand(self, op: str, text: str, remote: Remote | None) -> str:
        link = f" ({remote.url})" if remote is not None and remote.url else ""
        return {
            "publish": "Post this on Nextdoor from the force's agency account, word for word.",
            "notice": "Post this notice on Nextdoor from the force's agency account, word for "
            "word, so that neighbours see why the post has gone.",
            "edit": f"Open the post on Nextdoor{link}, choose Edit post, replace all of its "
            "words with the text below, and save.",
            "thread": f"Open the post on Nextdoor{link} and reply to it with the text below.",
            "delete": f"Open the post on Nextdoor{link}, choose Delete post, and confirm.",
        }.get(op) or super().by_hand(op, text, remote)
