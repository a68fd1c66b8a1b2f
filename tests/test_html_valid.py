"""Every desk page and every public page passes the Nu Html Checker (the W3C's validator, run
from npm's vnu-jar): the pages as each role sees them, the pages people meet when something
goes wrong (a refusal, a form sent back with an error, a page that is not there), and every
file of the public site."""

import shutil

import pytest

from amends.site.render import render_all
from tests.support.servers import vnu
from tests.support.world import desk_pages
from tests.test_web_permissions import STAFF

pytestmark = pytest.mark.once  # the same whatever the database


def test_every_desk_page_and_every_public_page_is_valid_html(
    client, people, world, settings, tmp_path
):
    out = tmp_path / "pages"
    out.mkdir()

    def keep(label: str, response, status: int = 200) -> None:
        assert response.status_code == status, (label, response.status_code)
        assert response["Content-Type"].startswith("text/html"), label
        (out / f"{label}.html").write_bytes(response.content)

    # Every desk page, in English and in Welsh: the same pages, other words.
    for language, label in (("en-gb", "desk"), ("cy", "cy-desk")):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for name, persona, url in desk_pages(people, world):
            client.force_login(getattr(people, persona))
            response = client.get(url)
            if response.status_code != 302:  # a page that sends you on (a second factor)
                keep(f"{label}-{name}", response)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en-gb"
    for persona in STAFF:  # what needs you now differs by role
        client.force_login(getattr(people, persona))
        keep(f"today-{persona}", client.get("/desk/"))
    # What people meet when something goes wrong.
    client.force_login(people.olly)
    keep("refused", client.get("/desk/posts/"), 403)
    client.force_login(people.alice)
    keep("not-found", client.get("/desk/posts/999999/"), 404)
    sent_back = client.post(f"/desk/posts/{world['post']}/correct/", {"text": "x", "reason": ""})
    keep("form-error", sent_back, 400)
    client.force_login(people.adam)
    asked = client.post(f"/desk/people/{people.alice.pk}/active/", {"active": "no"})
    keep("deactivate-confirm", asked)
    client.logout()
    keep("sign-in", client.get("/desk/sign-in/"))

    render_all()
    site = settings.SITE_DIR
    public = sorted(site.rglob("*.html"))
    assert len(public) >= 5
    for page in public:
        shutil.copy(page, out / ("site-" + "-".join(page.relative_to(site).parts)))
    keep("site-404", client.get("/posts/999999/"), 404)

    assert vnu.errors(out) == []
