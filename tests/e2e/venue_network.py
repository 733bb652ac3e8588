"""The venue's network in browser tests: which tabs can reach the live server, and when.

``context.set_offline(True)`` alone does not keep a closed tab offline. It is DevTools
network emulation, attached to each page, and ``page.close()`` ends the page's DevTools
session before its renderer has stopped: Chromium then lifts the emulation for the dying
page, fires ``online`` in it, and autosave retries at once. In about one run in ten that
save reached the server 10 to 55 ms after ``page.close()`` returned, even with the
context still offline (issue 12); the reopened page then found the server already
holding the text and showed no "restored" banner.

A laptop closed at the venue sends nothing more, so these tests also cut a tab off at
the server: each tab sends its name in a header (``page.set_extra_http_headers``, also
DevTools, so a request from a dying page carries none), and the server answers 503,
saving nothing, to a request without a name or from a tab that was closed. ``hold``
keeps a tab's saves waiting at the server, for answers that arrive late.

TODO: move the fixture to tests/e2e/conftest.py (kept here while others edit conftest).
"""

import threading

import pytest

HEADER = "X-E2E-Tab"


class VenueNetwork:
    def __init__(self, app):
        self.app = app
        self.names = {}  # page -> tab name
        self.closed = set()
        self.refused = []  # (tab name or None, method, path): requests that did not get through
        self.held = {}  # tab name -> threading.Event, set when the tab's saves may go on
        self.waiting = {}  # tab name -> number of saves waiting at the server
        self.lock = threading.Condition()

    # WSGI, in the live server's threads
    def __call__(self, environ, start_response):
        tab = environ.get("HTTP_" + HEADER.upper().replace("-", "_"))
        if tab is None or tab in self.closed:
            self.refused.append((tab, environ["REQUEST_METHOD"], environ["PATH_INFO"]))
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"This tab is closed: nothing reaches the server from it.\n"]
        gate = self.held.get(tab)
        if gate is not None and environ["REQUEST_METHOD"] == "POST":
            with self.lock:
                self.waiting[tab] = self.waiting.get(tab, 0) + 1
                self.lock.notify_all()
            gate.wait(timeout=30)
        return self.app(environ, start_response)

    # In the test
    def open_tab(self, context, name):
        """A new page of ``context`` whose requests reach the server as tab ``name``."""
        page = context.new_page()
        page.set_extra_http_headers({HEADER: name})
        self.names[page] = name
        return page

    def close_tab(self, page, **kwargs):
        """Cut the tab off, then close it: whatever it still sends is refused."""
        self.closed.add(self.names[page])
        page.close(**kwargs)

    def cut(self, page):
        """The tab stays open but nothing of it reaches the server any more."""
        self.closed.add(self.names[page])

    def hold(self, name):
        """Saves of tab ``name`` wait at the server until ``release(name)``."""
        self.held[name] = threading.Event()

    def wait_until_held(self, name, count=1, timeout=10):
        with self.lock:
            assert self.lock.wait_for(lambda: self.waiting.get(name, 0) >= count, timeout), (
                f"no save of tab {name!r} reached the server"
            )

    def release(self, name):
        self.held.pop(name).set()


@pytest.fixture
def venue_network(live_server):
    httpd = live_server.thread.httpd
    app = httpd.get_app()
    network = VenueNetwork(app)
    httpd.set_app(network)
    yield network
    for gate in network.held.values():
        gate.set()
    httpd.set_app(app)
