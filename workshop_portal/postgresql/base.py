"""Django's PostgreSQL backend, whose health check skips a connection that has just
worked (``DATABASES["default"]["ENGINE"]`` for a ``postgres://`` URL).

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every
request that reuses a persistent connection. The check is there for a connection that
died while it sat unused (the server restarted, a firewall dropped it overnight); under
autosave load the same connection serves its next request a few milliseconds after its
last statement, and the check was 8.5 % of a request's wall time (a round trip to a
database busy on the same cores; docs/benchmarks.md). Here a connection whose last
statement (or last check) succeeded less than ``HEALTH_CHECK_AFTER_IDLE`` seconds ago is
trusted, as Django trusts it within a request; any other is checked as Django checks it,
and a request that saw a database error is checked at its end by Django. What is left:
a server restart within that second breaks the next request of each connection, as a
restart during a request always did (the page keeps the text and saves it again).

It also prepares on the server the statements a connection repeats
(``statements.py``)."""

import time

from django.db.backends.postgresql import base, operations

from .statements import Statements


class DatabaseOperations(operations.DatabaseOperations):
    def last_executed_query(self, cursor, sql, params):
        """The statement's own SQL with its values, also when it ran as ``EXECUTE``."""
        query = super().last_executed_query(cursor, sql, params)
        if query.startswith(Statements.EXECUTE) and params is not None:
            return cursor.mogrify(sql, params).decode()
        return query


class DatabaseWrapper(base.DatabaseWrapper):
    HEALTH_CHECK_AFTER_IDLE = 1.0  # seconds
    ops_class = DatabaseOperations

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.worked_at = None  # when a statement or a check last succeeded on it
        self.statements = Statements(self)
        self.execute_wrappers.append(self._note_success)
        if not base.is_psycopg3:  # psycopg 3 has its own (prepare_threshold)
            self.execute_wrappers.append(self._prepared)

    def init_connection_state(self):
        super().init_connection_state()
        self.statements = Statements(self)  # a new server session prepared nothing

    def _prepared(self, execute, sql, params, many, context):
        return self.statements(execute, sql, params, many, context)

    def _note_success(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        self.worked_at = time.monotonic()
        return result

    def is_usable(self):
        usable = super().is_usable()
        self.worked_at = time.monotonic() if usable else None
        return usable

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and self.worked_at is not None
            and time.monotonic() - self.worked_at < self.HEALTH_CHECK_AFTER_IDLE
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
