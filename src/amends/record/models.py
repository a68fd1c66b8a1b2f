"""Tables of the record. Change them only through :mod:`amends.record.api`.

Entries, nodes and checkpoints are append-only: database triggers refuse UPDATE and DELETE on
them (defence in depth; the proof is the signed checkpoints). Content may only move from plain to
sealed to destroyed, its commitment never changing.
"""

from django.db import models

NODE_LEVEL_SHIFT = 56


def node_key(level: int, position: int) -> int:
    """One integer key for the perfect subtree ``(level, position)`` (level >= 1)."""
    return (level << NODE_LEVEL_SHIFT) | position


class SequenceField(models.BigIntegerField):
    """A 64-bit key that SQLite keeps as the table's rowid (``INTEGER PRIMARY KEY``).

    SQLite makes only a column declared exactly ``integer`` the rowid; Django declares
    ``bigint``, which would add a second index beside the rowid and send every read of the log
    in order, and every proof lookup, through both.
    """

    def db_type(self, connection):
        return "integer" if connection.vendor == "sqlite" else super().db_type(connection)

    def rel_db_type(self, connection):
        return self.db_type(connection)


class Head(models.Model):
    """The one row that sequences appends: ``size`` moves by compare-and-swap, only upwards."""

    size = models.BigIntegerField(default=0)

    class Meta:
        db_table = "record_head"


class Entry(models.Model):
    """One leaf of the log: the exact canonical JSON bytes and their RFC 9162 leaf hash."""

    seq = SequenceField(primary_key=True)
    kind = models.CharField(max_length=64)
    subject = models.CharField(max_length=200, null=True, blank=True)
    leaf = models.BinaryField()
    leaf_hash = models.BinaryField(max_length=32)

    class Meta:
        db_table = "record_entry"
        indexes = [
            models.Index(fields=["subject", "seq"], name="record_entry_subject"),
            models.Index(fields=["kind", "seq"], name="record_entry_kind"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"


class Node(models.Model):
    """A cached perfect subtree hash above the leaves, for fast proofs. Key: :func:`node_key`."""

    key = SequenceField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    class Meta:
        db_table = "record_node"


class Content(models.Model):
    """The exact content an entry commits to, with its salt. Sealed or destroyed in place."""

    class State(models.TextChoices):
        PLAIN = "plain"
        SEALED = "sealed"
        DESTROYED = "destroyed"

    entry = models.OneToOneField(
        Entry, primary_key=True, on_delete=models.PROTECT, db_column="seq", related_name="content"
    )
    commitment = models.BinaryField(max_length=32)
    salt = models.BinaryField(null=True)
    body = models.BinaryField(null=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PLAIN)

    class Meta:
        db_table = "record_content"


class Checkpoint(models.Model):
    """A signed tree head (C2SP tlog-checkpoint note)."""

    size = models.BigIntegerField()
    root = models.BinaryField(max_length=32)
    note = models.TextField()
    signer = models.CharField(max_length=300)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "record_checkpoint"
        ordering = ["id"]


class Hold(models.Model):
    """A complaint, FOI request or case reference that forbids destroying content of a subject."""

    subject = models.CharField(max_length=200)
    reference = models.CharField(max_length=200)
    placed_seq = models.BigIntegerField()
    placed_by = models.CharField(max_length=150, null=True)
    released_seq = models.BigIntegerField(null=True)
    released_by = models.CharField(max_length=150, null=True)

    class Meta:
        db_table = "record_hold"
        indexes = [models.Index(fields=["subject"], name="record_hold_subject")]

    @property
    def active(self) -> bool:
        return self.released_seq is None
