"""Following another force's published log (``amends monitor URL``)."""
