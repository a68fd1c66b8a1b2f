"""The desk: posts, corrections, apologies, deletions, incidents and holds, and the actions that
change them."""
