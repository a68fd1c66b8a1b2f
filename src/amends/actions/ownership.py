"""Who is seeing an incident through, and what the team tells each other about it: an owner
(the opener, until handed over) and internal notes, never published."""

from django.contrib.auth.models import User
from django.utils.translation import gettext

from amends.actions.base import Action
from amends.clock import now
from amends.desk.lookups import get, required_text
from amends.desk.models import Incident, IncidentNote
from amends.desk.roles import WRITERS, roles_of
from amends.errors import BadInput, NotFound, Refused
from amends.record import api as record

NOTE_LIMIT = 4000


class AssignIncident(Action):
    """Hand an incident to another author or supervisor (or take it yourself)."""

    roles = WRITERS
    verb = "assign incidents"

    def __init__(self, actor, *, incident, to: str):
        super().__init__(actor)
        self.incident_id, self.to = incident, to

    def apply(self) -> Incident:
        incident = get(Incident, self.incident_id, "incident")
        if not incident.is_open:
            raise Refused(
                f"incident: incident {incident.pk} is closed",
                field="incident",
                said=gettext("Incident %(n)s is closed: there is nothing left to own.")
                % {"n": incident.pk},
            )
        owner = User.objects.filter(username=self.to, is_active=True).first()
        if owner is None:
            raise NotFound(f"to: there is no active user {self.to!r}", field="to")
        if not roles_of(owner) & set(WRITERS):
            raise BadInput(
                f"to: {owner.username} is not an author or a supervisor, who see incidents through",
                field="to",
                said=gettext(
                    "%(name)s is not an author or a supervisor. Choose someone who can see the "
                    "incident through."
                )
                % {"name": owner.username},
            )
        if incident.owner_id == owner.pk:
            raise Refused(
                f"to: {owner.username} owns incident {incident.pk} already",
                field="to",
                said=gettext("%(name)s already owns incident %(n)s.")
                % {"name": owner.username, "n": incident.pk},
            )
        was = incident.owner.username if incident.owner else None
        incident.owner = owner
        incident.save(update_fields=["owner"])
        record.append(
            "incident.assigned",
            {"incident": incident.pk, "owner": owner.username, "was": was},
            actor=self.actor_name,
            subject=f"incident:{incident.pk}",
        )
        return incident


class NoteIncident(Action):
    """An internal note on an incident, for the team: never published. The words are kept as
    the record entry's content."""

    roles = (*WRITERS, "auditor")
    verb = "write notes on incidents"

    def __init__(self, actor, *, incident, text: str):
        super().__init__(actor)
        self.incident_id, self.text = incident, text

    def validate(self):
        required_text(self.text, "text", limit=NOTE_LIMIT)

    def apply(self) -> IncidentNote:
        incident = get(Incident, self.incident_id, "incident")
        at = now()
        entry = record.append(
            "incident.noted",
            {"incident": incident.pk},
            actor=self.actor_name,
            subject=f"incident:{incident.pk}",
            content=self.text.strip(),
        )
        return IncidentNote.objects.create(
            incident=incident,
            written_by=self.actor,
            written_at=at,
            text=self.text.strip(),
            seq=entry.seq,
        )
