"""The log as C2SP tlog-tiles hash tiles: static files any tlog client can read proofs from.

A tile at level ``L`` and index ``N`` holds the hashes of the tree's nodes at height ``8·L``,
positions ``256·N`` onwards: 256 of them (8,192 bytes) when full, fewer in a partial tile named
``.p/W``. Level 0 holds the leaf hashes. Tiles never change once written: a full tile is final,
and a partial tile of width W is the same for every tree that has at least W nodes there.

Only hash tiles are published. The entry bundles (``tile/entries/N``) would put every entry's
leaf — who did what, about which subject, when — on the public site; a tlog client needs only
hashes to check inclusion and consistency, and the entries themselves reach the public through
evidence packs, with their proofs.
"""

from collections.abc import Iterator

from amends.record.models import Entry, Node, node_key

HEIGHT = 8
WIDTH = 1 << HEIGHT  # 256 hashes in a full tile


def path(level: int, index: int, width: int = WIDTH) -> str:
    """``tile/L/N[.p/W]``, with N in groups of three digits (``x001/x234/067``)."""
    digits = str(index)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    encoded = "/".join([*(f"x{g}" for g in groups[:-1]), groups[-1]])
    suffix = "" if width == WIDTH else f".p/{width}"
    return f"tile/{level}/{encoded}{suffix}"


def changed(size: int, since: int = 0) -> Iterator[tuple[int, int, int]]:
    """``(level, index, width)`` of every tile a tree of ``size`` has that a tree of ``since``
    had not (``since`` 0: every tile)."""
    level = 0
    while size >> (HEIGHT * level):
        nodes = size >> (HEIGHT * level)
        before = since >> (HEIGHT * level)
        full, partial = divmod(nodes, WIDTH)
        for index in range(before // WIDTH, full):
            yield level, index, WIDTH
        if partial and nodes != before:
            yield level, full, partial
        level += 1


def hashes(level: int, index: int, width: int) -> bytes:
    """The tile's hashes, concatenated, from the stored tree."""
    height = HEIGHT * level
    first = index * WIDTH
    if height == 0:
        rows = Entry.objects.filter(seq__gte=first, seq__lt=first + width).order_by("seq")
        found = [bytes(h) for h in rows.values_list("leaf_hash", flat=True)]
    else:
        low, high = node_key(height, first), node_key(height, first + width - 1)
        rows = Node.objects.filter(key__gte=low, key__lte=high).order_by("key")
        found = [bytes(h) for h in rows.values_list("hash", flat=True)]
    if len(found) != width:
        from amends.record.log import RecordCorrupt

        raise RecordCorrupt(
            f"tile {path(level, index, width)}: the stored tree has {len(found)} of its {width} "
            "hashes; run amends verify"
        )
    return b"".join(found)
