"""Witnesses: other parties that cosign the record's checkpoints (C2SP tlog-witness)."""
