"""Durable delivery to the platforms: the outbox, the worker, and the watch for changes made
outside the desk."""
