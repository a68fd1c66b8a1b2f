import os

from django.core.wsgi import get_wsgi_application

from amends.site.wsgi import PublicFiles

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")
application = PublicFiles(get_wsgi_application())
