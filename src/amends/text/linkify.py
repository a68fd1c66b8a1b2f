"""Links in a post's words made links, for the public page. Pure: text in, HTML out.

Only ``http://`` and ``https://`` addresses become links (nothing else a post says can run or
lead anywhere unexpected); everything is escaped; a full stop, comma or closing bracket that ends
a sentence is not part of the address (a bracket is, when the address opened it). Line breaks
become ``<br>``. Links carry ``rel="nofollow noopener"``: a post is the force's word, not an
endorsement of where it points.
"""

import re
from html import escape

_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?*'\"’”"


def _trim(url: str) -> str:
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    return url


def _line(text: str) -> str:
    out, at = [], 0
    for match in _URL.finditer(text):
        url = _trim(match.group())
        if len(url) <= len(match.group().split("//", 1)[0]) + 2:
            continue  # "https://" alone
        out.append(escape(text[at : match.start()]))
        href = escape(url, quote=True)
        out.append(f'<a href="{href}" rel="nofollow noopener">{escape(url)}</a>')
        at = match.start() + len(url)
    out.append(escape(text[at:]))
    return "".join(out)


def links(text: str) -> list[str]:
    """The web addresses ``text`` names, as :func:`linkify` makes them links, each once, in
    order."""
    found: dict[str, None] = {}
    for match in _URL.finditer(text):
        url = _trim(match.group())
        if len(url) > len(match.group().split("//", 1)[0]) + 2:
            found[url] = None
    return list(found)


def linkify(text: str) -> str:
    """``text`` as HTML: escaped, its web addresses made links, its line breaks kept."""
    return "<br>\n".join(_line(line) for line in text.split("\n"))
