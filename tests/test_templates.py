"""The desk's templates name the pages they link to (``{% url 'desk:…' %}``) instead of writing
their paths out, so that moving a page moves every link to it; a renamed or missing page fails
at render time (the permission matrix renders every desk page) instead of leaving a dead link."""

import re
from pathlib import Path

import pytest

import amends

pytestmark = pytest.mark.once  # the same whatever the database

TEMPLATES = Path(amends.__file__).parent
WRITTEN_PATH = re.compile(r"""(?:href|action|hx-get|hx-post|src)=["']/desk/""")


def test_desk_links_are_named_not_written_out():
    written = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if WRITTEN_PATH.search(line)
    ]
    assert written == []


def test_the_check_finds_a_written_out_path():
    assert WRITTEN_PATH.search('<a href="/desk/posts/1/">')
    assert not WRITTEN_PATH.search("<a href=\"{% url 'desk:post' post_id=1 %}\">")


def test_no_time_is_written_inside_another():
    """``|when`` writes its own ``<time>``: wrapping it in another is invalid HTML."""
    nested = re.compile(r"<time[^>]*>\{\{[^}]*\|when \}\}")
    desk = TEMPLATES / "web" / "templates"  # the public site's own `when` writes words only
    found = [
        str(path.relative_to(TEMPLATES))
        for path in sorted(desk.rglob("*.html"))
        if nested.search(path.read_text())
    ]
    assert found == []
