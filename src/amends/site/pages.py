"""The public site's own pages, beside the posts: the corrections and deletion policy, the
favicon, and the force's logo (``AMENDS_SITE_LOGO``)."""

import shutil
from pathlib import Path

from django.conf import settings

# A plain mark: a speech bubble with a tick, in the site's own ink, readable at 16 px.
FAVICON = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<path d="M4 4h24a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H13l-7 6v-6H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"
 fill="#0b0c0c"/>
<path d="M9 14l5 5 9-10" fill="none" stroke="#ffffff" stroke-width="3" stroke-linecap="round"
 stroke-linejoin="round"/>
</svg>
"""


def logo_url() -> str:
    """Where the force's logo is on the site, or "" when none is configured."""
    logo = getattr(settings, "SITE_LOGO", None)
    return f"/logo{Path(logo).suffix.lower()}" if logo else ""


def render_pages() -> None:
    from amends.site.render import render_to_string, write

    write("favicon.svg", FAVICON)
    logo = getattr(settings, "SITE_LOGO", None)
    if logo:
        target = Path(settings.SITE_DIR) / logo_url().lstrip("/")
        shutil.copyfile(logo, target)
    from amends.site.render import LANGUAGES, folder_of, grounds_in, switch_to

    for language in LANGUAGES:
        context = {
            "site_title": settings.SITE_TITLE,
            "grounds": list(grounds_in(language).values()),
            "lang": language,
            "switch": switch_to(language, "policy/"),
        }
        name = "site/policy_cy.html" if language == "cy" else "site/policy.html"
        write(f"{folder_of(language)}policy/index.html", render_to_string(name, context))
