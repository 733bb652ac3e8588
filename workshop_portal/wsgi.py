import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workshop_portal.settings")
application = get_wsgi_application()

if not os.environ.get("DJANGO_SECRET_KEY") and not settings.DEBUG:
    # Fail at start rather than at the first request that signs a cookie.
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=1 for a development key).")
