"""A platform that lives inside the test process, for the worker's own logic.

This is a test double, not a stand-in for any real platform: it lets the worker tests stop a
delivery at an exact point (a crash after sending, a passing failure, a permanent one) and count
what arrived. How each real platform behaves is tested against real servers (the Bluesky PDS,
WordPress) and against the Mastodon fake and recorded X and Facebook responses.
"""

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from amends.connectors.base import Capabilities, Connector, Field, PlatformError, Remote


@dataclass
class Board:
    """What the platform holds, and the failures it will produce next."""

    posts: dict[str, dict] = field(default_factory=dict)
    calls: list[tuple] = field(default_factory=list)
    fail_next: list[PlatformError] = field(default_factory=list)
    crash_after_send: bool = False
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def visible(self) -> list[str]:
        return [p["text"] for p in self.posts.values() if not p["deleted"]]


BOARD = Board()


class Crash(BaseException):
    """The worker process dies here (BaseException: nothing in the worker catches it)."""


class Testbed(Connector):
    name = "testbed"
    label = "Testbed"
    capabilities = Capabilities(edit=True, limit=200, edit_window=timedelta(minutes=30))
    fields = (Field("server", "the server's URL"), Field("token", "a token", secret=True))

    def _call(self, *call):
        BOARD.calls.append(call)
        if BOARD.fail_next:
            raise BOARD.fail_next.pop(0)

    def _sent(self, remote: Remote) -> Remote:
        if BOARD.crash_after_send:
            BOARD.crash_after_send = False
            raise Crash
        return remote

    def check(self):
        self._call("check")
        if self.secrets.get("token") != "good":
            raise PlatformError("testbed: 401 bad token", permanent=True, status=401)
        return {"limit": 100}

    def _new(self, text, key, parent=None) -> Remote:
        existing = self.find(key, text)
        if existing:
            return existing
        remote_id = str(next(BOARD.ids))
        BOARD.posts[remote_id] = {"text": text, "key": key, "parent": parent, "deleted": False}
        return self._sent(Remote(remote_id, f"https://testbed.example/{remote_id}", text))

    def publish(self, text, *, key):
        self._call("publish", text)
        return self._new(text, key)

    def reply(self, parent, text, *, key):
        self._call("reply", parent.id, text)
        return self._new(text, key, parent.id)

    def edit(self, remote, text, *, key):
        self._call("edit", remote.id, text)
        BOARD.posts[remote.id]["text"] = text
        return self._sent(Remote(remote.id, remote.url, text))

    def delete(self, remote):
        self._call("delete", remote.id)
        if remote.id in BOARD.posts:
            BOARD.posts[remote.id]["deleted"] = True
        self._sent(remote)

    def fetch(self, remote):
        self._call("fetch", remote.id)
        post = BOARD.posts.get(remote.id)
        if post is None or post["deleted"]:
            return None
        return Remote(remote.id, remote.url, post["text"])

    def find(self, key, text):
        for remote_id, post in BOARD.posts.items():
            if post["key"] == key and not post["deleted"]:
                return Remote(remote_id, f"https://testbed.example/{remote_id}", post["text"])
        return None
