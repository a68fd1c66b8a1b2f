"""A Bluesky account on the real PDS, connected to Amends, and posting on it directly, as the
Bluesky app would (for posts made outside Amends)."""

import uuid
from dataclasses import dataclass

from amends.actions import AddAccount, CheckAccount

PASSWORD = "correct horse battery staple"


@dataclass
class Connected:
    pds: object
    handle: str
    did: str
    jwt: str

    @property
    def key(self) -> str:
        return f"bluesky:{self.handle}"

    def post_directly(self, text: str) -> str:
        """A post made on the PDS itself, not through Amends: its at:// URI."""
        created = self.pds.xrpc(
            "POST",
            "com.atproto.repo.createRecord",
            headers={"Authorization": f"Bearer {self.jwt}"},
            json={
                "repo": self.did,
                "collection": "app.bsky.feed.post",
                "record": {
                    "$type": "app.bsky.feed.post",
                    "text": text,
                    "createdAt": "2026-12-03T23:00:00.000Z",
                },
            },
        )
        return created["uri"]


def connect(pds, prefix: str = "a") -> Connected:
    """A fresh account on the PDS, added to Amends and checked."""
    handle = f"{prefix}{uuid.uuid4().hex[:10]}.test"
    did, _ = pds.create_account(handle, PASSWORD)
    AddAccount(
        None,
        key=f"bluesky:{handle}",
        settings={"server": pds.url, "plc": f"http://127.0.0.1:{pds.plc_port}"},
        secrets={"password": PASSWORD},
        as_operator=True,
    ).run()
    CheckAccount(None, account=f"bluesky:{handle}", as_operator=True).run()
    session = pds.xrpc(
        "POST", "com.atproto.server.createSession", json={"identifier": did, "password": PASSWORD}
    )
    return Connected(pds, handle, did, session["accessJwt"])
