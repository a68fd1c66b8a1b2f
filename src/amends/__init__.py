"""Amends: the mistake-recovery desk for police and public-sector social media."""

__version__ = "0.1.0"
