import os

from django.core.wsgi import get_wsgi_application

from amends.site.wsgi import public_files

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")
application = public_files(get_wsgi_application())
