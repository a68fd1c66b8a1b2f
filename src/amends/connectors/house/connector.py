"""The force's own public site, served by Amends itself.

Nothing is sent anywhere: every action re-renders the affected pages of the static site when it
commits (:mod:`amends.site.render`), so house posts never pass through the outbox. The connector
exists so that the house platform is described like every other one: edit in place with
``<del>``/``<ins>``, no length limit, and a deletion notice served as 410 Gone.
"""

from django.conf import settings

from amends.connectors.base import Capabilities, Connector, Remote


class House(Connector):
    name = "house"
    label = "The force's own site (served by Amends)"
    capabilities = Capabilities(edit=True, markup=True, list_replies=True)
    local = True

    def check(self) -> dict:
        return {}

    def fetch(self, remote: Remote) -> Remote | None:
        page = settings.SITE_DIR / "posts" / remote.id / "index.html"
        if not page.exists():
            return None
        return Remote(id=remote.id, url=f"{settings.SITE_URL}/posts/{remote.id}/")
