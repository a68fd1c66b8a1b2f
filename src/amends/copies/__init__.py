"""Copies of the force's posts out in the world: fingerprints to recognise them, and the
register of copies found and what was done about each."""
