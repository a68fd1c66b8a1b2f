"""WordPress's own export (Tools → Export): WXR, an RSS 2.0 file whose ``<item>``s carry the
``wp:`` fields (``wp:post_id``, ``wp:post_type``, ``wp:status``, ``wp:post_date_gmt``) and the
post's own source in ``content:encoded``. Read as a stream with defusedxml, which refuses
entities and external references (an XML bomb, or a file that reads the server's disk).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from amends.connectors.archives import ArchiveError, Item, Skipped, moment

CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


def read(path: Path, **_) -> Iterator[Item | Skipped]:
    n, channel = 0, False
    try:
        for event, element in iterparse(str(path), events=("start", "end")):
            if event == "start":
                if n == 0 and not channel and element.tag not in ("rss", "channel"):
                    raise ArchiveError(f"{path.name} is not a WordPress export (WXR)")
                channel = channel or element.tag == "channel"
                continue
            if element.tag != "item":
                continue
            yield _item(f"item#{n}", element)
            n += 1
            element.clear()
    except DefusedXmlException as error:
        raise ArchiveError(
            f"{path.name} declares XML entities or external references, which are refused "
            f"({type(error).__name__})"
        ) from None
    except ParseError as error:
        raise ArchiveError(f"{path.name} is not whole XML: {error}") from None
    except OSError as error:
        raise ArchiveError(f"{path.name} cannot be read: {error}") from None
    if not channel:
        raise ArchiveError(f"{path.name} is not a WordPress export (WXR): it has no channel")


def _field(element, name: str) -> str | None:
    """A ``wp:`` field, whichever WXR version's namespace it is in."""
    for child in element:
        if child.tag.endswith("}" + name) and "wordpress.org/export" in child.tag:
            return child.text or ""
    return None


def _item(where: str, element) -> Item | Skipped:
    kind, status, number = (_field(element, n) for n in ("post_type", "status", "post_id"))
    if kind != "post":
        return Skipped(where, f"a {kind or 'thing'} that is not a post")
    if status != "publish":
        return Skipped(where, f"a post that is not published ({status})")
    if not number or not number.isdigit():
        return Skipped(where, "a post without its wp:post_id")
    content = element.find(CONTENT)
    link = element.findtext("link") or ""
    made = _field(element, "post_date_gmt")
    return Item(
        path=where,
        versions=(content.text or "" if content is not None else "",),
        id=f"post:{number}",
        url=link.strip(),
        created_at=moment(made.replace(" ", "T") + "Z") if made else None,
    )
