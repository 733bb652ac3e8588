"""The yardstick of ``bench/autosave.py``: a bare Django view (no app, no middleware,
no database) served by the same gunicorn settings as the portal.

    gunicorn bench.bare_app:application
"""

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only-key",
        ALLOWED_HOSTS=["127.0.0.1"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
    )


def bare(request, anything=""):
    body = b'{"version": 1}'
    # No middleware sets it here; without it gunicorn would answer chunked.
    return HttpResponse(
        body, content_type="application/json", headers={"Content-Length": len(body)}
    )


urlpatterns = [path("", bare), path("<path:anything>", bare)]
application = get_wsgi_application()
