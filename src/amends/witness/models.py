"""Tables of both sides of the witness protocol.

- The client side (this force's record asking others to cosign): :class:`Witness` and the
  :class:`Cosignature` each one returned for a checkpoint.
- The witness side (this install cosigning other forces' logs): :class:`WitnessedLog`, the one
  row per log holding the latest checkpoint cosigned, moved only by compare-and-swap.
"""

from django.db import models


class Witness(models.Model):
    """A witness this force's checkpoints are sent to (``amends witnesses add``)."""

    class State(models.TextChoices):
        NEW = "new"  # not asked yet
        OK = "ok"  # cosigned the latest checkpoint sent
        UNREACHABLE = "unreachable"  # no answer, or an answer outside the protocol
        REFUSED = "refused"  # 403 or 404: it does not know this log or its key
        FORK = "fork"  # 409 or 422: its view of the log differs from the record's

    name = models.CharField(max_length=200, unique=True)
    url = models.CharField(max_length=500)
    key = models.TextField()
    # The size of the latest checkpoint of this log the witness cosigned (the old size sent).
    size = models.BigIntegerField(default=0)
    state = models.CharField(max_length=16, choices=State.choices, default=State.NEW)
    problem = models.TextField(blank=True, default="")
    refused_size = models.BigIntegerField(null=True)  # the checkpoint a fork was raised on
    asked_at = models.DateTimeField(null=True)
    cosigned_at = models.DateTimeField(null=True)
    added_at = models.DateTimeField()

    class Meta:
        db_table = "witness_witness"
        ordering = ["name"]


class Cosignature(models.Model):
    """A witness's cosignature line on one of the record's checkpoints, exactly as returned."""

    checkpoint = models.ForeignKey("record.Checkpoint", on_delete=models.PROTECT)
    witness = models.ForeignKey(Witness, on_delete=models.PROTECT)
    line = models.TextField()
    timestamp = models.BigIntegerField()

    class Meta:
        db_table = "witness_cosignature"
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "witness"], name="witness_one_per_head")
        ]


class WitnessedLog(models.Model):
    """A log this install witnesses: its origin, the keys it trusts for it, and the latest
    checkpoint cosigned (size 0 and no root until the first)."""

    origin = models.CharField(max_length=255, unique=True)
    keys = models.TextField()  # verifier keys, one per line
    size = models.BigIntegerField(default=0)
    root = models.BinaryField(max_length=32, null=True)
    note = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(null=True)
    refusals = models.BigIntegerField(default=0)

    class Meta:
        db_table = "witness_log"


class Timestamp(models.Model):
    """An RFC 3161 time-stamping authority's answer over a checkpoint's cosigned note, as
    returned (DER TimeStampResp), checked when it arrived."""

    checkpoint = models.ForeignKey("record.Checkpoint", on_delete=models.PROTECT)
    authority = models.CharField(max_length=500)  # the URL asked
    digest = models.CharField(max_length=64)  # SHA-256 of the exact bytes stamped
    response = models.BinaryField()
    stamped_at = models.DateTimeField()  # the authority's time

    class Meta:
        db_table = "witness_timestamp"
        indexes = [models.Index(fields=["checkpoint", "authority"], name="witness_stamp_of")]
