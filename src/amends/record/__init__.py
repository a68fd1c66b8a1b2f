"""The record: an append-only, tamper-evident log of everything that happens in Amends.

Use :mod:`amends.record.api`; the rest of the package is its parts. See docs/record.md.
"""
