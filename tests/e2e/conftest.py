import pytest
from django.conf import settings
from django.test import Client

from delegations.models import LanguagePreference


def signed_in_contexts(browser, server):
    """``make(user, language="en")``: a new browser context of ``server`` signed in as
    ``user`` through a real session cookie; ``close()`` closes them all."""
    contexts = []

    def make(user, language="en"):
        # The user's own choice, which the portal keeps on the account and puts
        # before a delegation's language.
        LanguagePreference.objects.update_or_create(user=user, defaults={"language": language})
        client = Client()
        client.force_login(user)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=language)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": server.url,
                },
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": server.url},
            ]
        )
        contexts.append(context)
        return context

    def close():
        for context in contexts:
            context.close()

    return make, close


@pytest.fixture
def login_context(browser, live_server):
    """A new browser context signed in as ``user`` on the test server (WSGI)."""
    make, close = signed_in_contexts(browser, live_server)
    yield make
    close()


class AsgiLiveServer:
    """The real ASGI application (HTTP and the live pages' WebSockets) served by daphne
    in a child process on the test database, as ``runserver`` and production serve it.
    ``restart()`` kills the server and starts a new one on the same port."""

    def __init__(self):
        self.process = None
        self.port = 0

    @property
    def url(self):
        return f"http://localhost:{self.port}"

    def start(self):
        from functools import partial

        from channels.testing.live import make_application
        from daphne.testing import DaphneProcess
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
        from django.db import connections

        # The child must open connections of its own: close the parent's before the fork.
        connections.close_all()
        self.process = DaphneProcess(
            "localhost",
            partial(make_application, static_wrapper=ASGIStaticFilesHandler),
            port=self.port,
        )
        self.process.start()
        if not self.process.ready.wait(timeout=30):
            raise RuntimeError("daphne did not start")
        self.port = self.process.port.value

    def kill(self):
        import os
        import signal

        os.kill(self.process.pid, signal.SIGKILL)
        self.process.join(10)

    def restart(self):
        self.kill()
        self.start()

    def stop(self):
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join(10)


@pytest.fixture
def asgi_live_server(transactional_db):
    server = AsgiLiveServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live_context(browser, asgi_live_server):
    """A browser context signed in as ``user`` on the ASGI live server."""
    make, close = signed_in_contexts(browser, asgi_live_server)
    yield make
    close()
