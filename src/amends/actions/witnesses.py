"""Witnesses of this force's record: adding one is an admin's or the operator's act, and is
recorded, since the witnesses named are part of what a pack's policy promises."""

import re

from amends.actions.base import Action
from amends.clock import now
from amends.errors import BadInput, Refused
from amends.record import api as record
from amends.record.note import NoteError


class AddWitness(Action):
    roles = ("admin",)
    verb = "add witnesses"

    def __init__(self, actor, *, name: str, url: str, key: str, as_operator: bool = False):
        super().__init__(actor)
        self.name, self.url, self.key, self.as_operator = name, url, key, as_operator

    def validate(self):
        from amends.witness.cosignature import CosignerKey

        for field, value in (("name", self.name), ("url", self.url), ("verifier_key", self.key)):
            if not isinstance(value, str) or not value.strip():
                raise BadInput(f"{field}: must not be empty", field=field)
        self.name, self.url, self.key = self.name.strip(), self.url.strip(), self.key.strip()
        if not re.match(r"^https?://[^\s/]+[^\s]*$", self.url) or len(self.url) > 500:
            raise BadInput(
                "url: must be the witness's submission prefix, starting with https:// or "
                "http://, e.g. https://witness.example/ (add-checkpoint is added to it)",
                field="url",
            )
        try:
            parsed = CosignerKey.parse(self.key)
        except NoteError as error:
            raise BadInput(f"verifier_key: {error}", field="verifier_key") from None
        if not parsed.checkable:
            raise BadInput(
                "verifier_key: ML-DSA-44 cosignatures cannot be checked with this version of "
                "cryptography; give the witness's Ed25519 (cosignature/v1) key",
                field="verifier_key",
            )
        if parsed.name != self.name:
            raise BadInput(
                f"name: must be the name in the witness's key ({parsed.name}): its cosignatures "
                "carry that name",
                field="name",
            )

    def authorize(self):
        if not self.as_operator:
            super().authorize()

    def apply(self):
        from amends.witness.models import Witness

        if Witness.objects.filter(name=self.name).exists():
            raise Refused(f"name: there is already a witness {self.name}", field="name")
        witness = Witness.objects.create(name=self.name, url=self.url, key=self.key, added_at=now())
        record.append(
            "witness.added",
            {"name": self.name, "url": self.url, "key": self.key},
            actor=self.actor_name,
        )
        return witness
