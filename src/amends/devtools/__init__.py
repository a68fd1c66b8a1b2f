"""Tools for developing Amends itself (documentation generation)."""
