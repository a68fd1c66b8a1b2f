"""The public site: what the public and verifiers read."""
