import os
import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

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
    on the test database, as ``runserver`` and production serve it. A separate program,
    not a fork of the test process: a fork would share the browser driver's pipes.
    ``restart()`` kills the server and starts a new one on the same port."""

    def __init__(self):
        self.process = None
        self.port = free_port()

    @property
    def url(self):
        return f"http://localhost:{self.port}"

    def start(self):
        from django.db import connection

        name = connection.settings_dict["NAME"]
        if connection.vendor == "sqlite":
            database_url = f"sqlite:///{name}"
        else:
            parts = urlsplit(os.environ["DATABASE_URL"])
            database_url = urlunsplit(parts._replace(path=f"/{name}"))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "localhost", "-p", str(self.port)]
            + ["-v", "0", "tests.e2e.asgi_app:application"],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "tests.settings",
                "DATABASE_URL": database_url,
            },
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("localhost", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.process.kill()
        raise RuntimeError("daphne did not start")

    def kill(self):
        self.process.kill()
        self.process.wait(10)

    def restart(self):
        self.kill()
        self.start()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def free_port():
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


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
