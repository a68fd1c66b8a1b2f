"""The WSGI application every server process loads (``amends serve``, or any WSGI server).

Once loaded, the process's objects so far — Django, its settings, every view and URL pattern,
some 220,000 of them — are set aside from garbage collection (``gc.freeze``): they live as long
as the process does, and a full collection walking them all stopped every thread of the process
for about 100 ms, every few seconds under load (seen as the tail of make bench's Webmention
endpoint; the desk pays it too). Collections then look only at what requests create.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from amends.site.wsgi import PublicFiles

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")
application = PublicFiles(get_wsgi_application())
get_resolver().url_patterns  # noqa: B018 - imports every view now, not on the first request
gc.collect()
gc.freeze()
