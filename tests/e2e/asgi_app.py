"""The ASGI application the browser tests' daphne serves (``conftest.AsgiLiveServer``):
the project's, with the static files, on the test database named by ``DATABASE_URL``."""

from channels.routing import get_default_application
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

get_asgi_application()  # django.setup()
application = ASGIStaticFilesHandler(get_default_application())
