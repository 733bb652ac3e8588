"""Django's PostgreSQL backend, whose health check skips a connection that has just
worked (``DATABASES["default"]["ENGINE"]`` for a ``postgres://`` URL).

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every
request that reuses a persistent connection. The check is there for a connection that
died while it sat unused (the server restarted, a firewall dropped it overnight); under
autosave load the same connection serves its next request a few milliseconds after the
last one, and the check was a tenth of a save's time (a round trip to a database busy
on the same cores). Here a connection that finished a request without a database error
less than ``HEALTH_CHECK_AFTER_IDLE`` seconds ago is trusted as Django trusts it during
a request; any other is checked as Django checks it. What is left: a server restart
within that second breaks the next request of each connection, as a restart during a
request always did (the page keeps the text and saves it again)."""

import time

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    HEALTH_CHECK_AFTER_IDLE = 1.0  # seconds

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.worked_at = None  # when a request last finished on it without an error
        self.used = False  # the current request made a cursor

    def close_if_unusable_or_obsolete(self):
        # Called when a request starts and when it ends (``close_old_connections``).
        used, failed = self.used, self.errors_occurred
        self.used = False
        super().close_if_unusable_or_obsolete()
        if self.connection is None or failed:
            self.worked_at = None
        elif used:
            self.worked_at = time.monotonic()

    def close_if_health_check_failed(self):
        # Called before every cursor is made.
        self.used = True
        if (
            self.connection is not None
            and not self.health_check_done
            and self.worked_at is not None
            and time.monotonic() - self.worked_at < self.HEALTH_CHECK_AFTER_IDLE
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
