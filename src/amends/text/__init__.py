"""Text logic: pure functions of strings, with no database. Diffing, rendering corrections,
checking apologies and tone."""
