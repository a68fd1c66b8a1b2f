"""Evidence packs: the auditor's export of everything the record holds about a subject."""

from pathlib import Path

from amends.actions.base import Action
from amends.desk.lookups import required_text
from amends.errors import BadInput


class ExportPack(Action):
    """Export a post, an incident or a whole account as a verifiable evidence pack.

    The export is recorded (``export.created``, and ``content.accessed`` for each post whose
    sealed wording it opens) and committed before the pack is written.
    """

    roles = ("auditor",)
    durable = True
    verb = "export evidence packs"

    def __init__(
        self,
        actor,
        *,
        purpose: str,
        reference: str,
        output,
        post=None,
        incident=None,
        account=None,
        include_sealed: bool = True,
        check: bool = True,
    ):
        super().__init__(actor)
        self.asked = {"post": post, "incident": incident, "account": account}
        self.purpose, self.reference = purpose, reference
        self.output = output
        self.include_sealed, self.check = include_sealed, check

    def validate(self):
        given = [kind for kind, value in self.asked.items() if value is not None]
        if len(given) != 1:
            raise BadInput("subject: name exactly one post, incident or account", field="subject")
        self.kind = given[0]
        required_text(self.purpose, "purpose", limit=1000)
        required_text(self.reference, "reference", limit=200)
        if not isinstance(self.output, str | Path) or not str(self.output).strip():
            raise BadInput("output: name the file to write", field="output")
        self.output = Path(self.output)
        if self.output.exists():
            raise BadInput(
                f"output: {self.output} exists; an evidence pack is never overwritten",
                field="output",
            )
        if not self.output.parent.is_dir():
            raise BadInput(f"output: there is no folder {self.output.parent}", field="output")

    def apply(self):
        from amends.evidence import pack, subjects

        found = subjects.gather(
            self.kind,
            self.asked[self.kind],
            include_sealed=self.include_sealed,
            purpose=self.purpose.strip(),
            reference=self.reference.strip(),
        )
        return pack.record_export(found, actor=self.actor_name)

    def after(self, gathered):
        """The export is committed before the pack is written."""
        from amends.evidence import pack

        return pack.write(gathered, self.output, check=self.check)
