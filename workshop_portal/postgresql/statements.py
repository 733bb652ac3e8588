"""Server-side prepared statements for the statements a connection repeats.

PostgreSQL parses, analyses and plans every statement it receives. The autosave's
statements are small lookups and writes by key, for which that work is most of what
the server does: replayed one save at a time on this machine, its statements cost the
server 2.2 ms of CPU as plain SQL and 1.0 ms as ``EXECUTE`` of statements prepared once
(docs/benchmarks.md). psycopg 3 prepares repeated statements by itself
(``prepare_threshold``); psycopg2, which this project uses, never does, so
:class:`Statements` does what psycopg 3 does, on Django's execute-wrapper hook:

- a statement is prepared (``PREPARE``) on its ``THRESHOLD``-th execution on one
  connection, and from then on sent as ``EXECUTE name(values)``; at most ``MAXIMUM``
  statements stay prepared per connection (the least recently used is ``DEALLOCATE``\\ d);
- only ``SELECT``, ``INSERT``, ``UPDATE``, ``DELETE`` and ``WITH`` statements with
  positional values, run once (not ``executemany``) on an unnamed cursor; everything
  else is sent as it is;
- a value is sent to a prepared statement only where the server took the same type
  for it as for the literal psycopg2 writes in plain SQL (a string is untyped in both;
  ``5`` is an integer, ``true`` a boolean, a datetime a ``timestamptz``...): a value
  the statement's parameter type does not fit (``5`` where ``SELECT $1`` took text, a
  number beyond the parameter's range) sends that execution as plain SQL;
- a statement the server refuses to prepare (a value whose type it cannot infer) is sent
  as plain SQL for the rest of the connection; inside a transaction the attempt runs
  in a savepoint, so the transaction goes on;
- ``ALTER``, ``CREATE`` and ``DROP`` on a connection drop its prepared statements first
  (a prepared ``SELECT`` whose columns changed would otherwise be refused);
- a new connection starts with none (``DatabaseWrapper.init_connection_state``).

What is logged and counted (``connection.queries``, ``CaptureQueriesContext``) is the
statement's own SQL with its values (``DatabaseOperations.last_executed_query``).
Not for a connection pooler in transaction mode (PgBouncer's default), which shares one
server session between clients: point ``DATABASE_URL`` at PostgreSQL or at a pooler in
session mode (README, Deployment)."""

import datetime as dt
import re
import uuid
from collections import OrderedDict
from decimal import Decimal

from django.db import DatabaseError
from django.db.backends.postgresql.psycopg_any import Json

_INTEGERS = {"smallint": 2**15, "integer": 2**31, "bigint": 2**63}

_PREPARABLE = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")
_SCHEMA_CHANGES = ("ALTER", "CREATE", "DROP")
_PLACEHOLDER = re.compile(r"%(.)", re.DOTALL)
_REFUSED = ()  # a statement the server would not prepare
_NO_SUCH_STATEMENT = "26000"  # invalid_sql_statement_name


def _first_word(sql):
    return sql.lstrip(" (\n\t")[:8].split(None, 1)[0].upper() if sql.strip() else ""


def _numbered(sql, count):
    """``sql`` with psycopg2's ``%s`` as ``$1``, ``$2`` ... and ``%%`` as ``%``, or
    ``None`` when it has other placeholders or not ``count`` of them."""
    numbers = iter(range(1, count + 1))
    wrong = []

    def replace(match):
        if match.group(1) == "%":
            return "%"
        number = next(numbers, None)
        if match.group(1) != "s" or number is None:
            wrong.append(match.group(0))
            return match.group(0)
        return f"${number}"

    numbered = _PLACEHOLDER.sub(replace, sql)
    if wrong or next(numbers, None) is not None:
        return None
    return numbered


def _fits(value, parameter_type):
    """Whether ``value`` means the same as a parameter of ``parameter_type`` (a
    ``regtype`` name) as it does as the literal psycopg2 writes for it."""
    if value is None or type(value) is str:
        return True  # NULL and '...' are untyped: the server infers the same type
    if type(value) is bool:
        return parameter_type == "boolean"
    if type(value) is int:
        limit = _INTEGERS.get(parameter_type)
        return limit is not None and -limit <= value < limit
    if type(value) in (float, Decimal):
        return parameter_type in ("double precision", "numeric")
    if type(value) is dt.datetime:
        zone = "with" if value.tzinfo else "without"
        return parameter_type == f"timestamp {zone} time zone"
    if type(value) is dt.date:
        return parameter_type == "date"
    if type(value) is dt.timedelta:
        return parameter_type == "interval"
    if type(value) is uuid.UUID:
        return parameter_type == "uuid"
    if isinstance(value, Json):
        return parameter_type == "jsonb"
    return False


class Statements:
    """The prepared statements of one server connection (an execute wrapper)."""

    PREFIX = "portal_"  # of the names this backend gives its statements
    EXECUTE = f"EXECUTE {PREFIX}"
    THRESHOLD = 5  # psycopg 3's default prepare_threshold
    MAXIMUM = 100  # psycopg 3's default prepared_max

    def __init__(self, wrapper):
        self.wrapper = wrapper  # the DatabaseWrapper, for its transaction state
        self.seen = OrderedDict()  # sql -> executions so far, least recent first
        self.names = OrderedDict()  # sql -> (name, parameter types) or _REFUSED
        self.counter = 0

    def __call__(self, execute, sql, params, many, context):
        prepared = None if many else self.names.get(sql)
        if prepared is None:
            if many or not params or not isinstance(params, (list, tuple)):
                if not many and self.names and _first_word(sql) in _SCHEMA_CHANGES:
                    self.drop_all(execute, context)
                return execute(sql, params, many, context)
            prepared = self.consider(execute, sql, params, context)
        else:
            self.names.move_to_end(sql)
        if not prepared or not all(map(_fits, params, prepared[1])):
            return execute(sql, params, many, context)
        placeholders = ", ".join(["%s"] * len(params))
        try:
            return execute(f"EXECUTE {prepared[0]}({placeholders})", params, many, context)
        except DatabaseError as error:
            if getattr(error.__cause__, "pgcode", None) == _NO_SUCH_STATEMENT:
                self.names.clear()  # deallocated behind our back: prepare them again
                self.seen.clear()
            raise

    def consider(self, execute, sql, params, context):
        """Count one more execution of ``sql``; prepare it at the threshold. Returns its
        name and parameter types once prepared, else ``None``."""
        if getattr(context["cursor"].cursor, "name", None) is not None:
            return None  # a named (server-side) cursor declares its own statement
        count = self.seen.pop(sql, 0) + 1
        if count < self.THRESHOLD:
            self.seen[sql] = count
            while len(self.seen) > 4 * self.MAXIMUM:
                self.seen.popitem(last=False)
            return None
        numbered = _first_word(sql) in _PREPARABLE and _numbered(sql, len(params))
        if not numbered:
            self.names[sql] = _REFUSED
            return None
        while len(self.names) >= self.MAXIMUM:
            old_sql, old = self.names.popitem(last=False)
            if old:
                execute(f"DEALLOCATE {old[0]}", None, False, context)
        self.counter += 1
        name = f"{self.PREFIX}{self.counter}"
        self.names[sql] = self.prepare(execute, name, numbered, context)
        return self.names[sql]

    def prepare(self, execute, name, numbered, context):
        """``PREPARE`` the statement: its name and the types the server took for its
        parameters, or ``_REFUSED`` if the server will not (inside a transaction the
        attempt runs in a savepoint, so the transaction goes on)."""
        in_transaction = not self.wrapper.get_autocommit()
        if in_transaction:
            execute("SAVEPOINT portal_prepare", None, False, context)
        try:
            execute(f"PREPARE {name} AS {numbered}", None, False, context)
        except DatabaseError:
            if in_transaction:
                execute("ROLLBACK TO SAVEPOINT portal_prepare", None, False, context)
            prepared = _REFUSED
        else:
            execute(
                "SELECT parameter_types::text[] FROM pg_prepared_statements WHERE name = %s",
                [name],
                False,
                context,
            )
            prepared = (name, tuple(context["cursor"].fetchone()[0]))
        if in_transaction:
            execute("RELEASE SAVEPOINT portal_prepare", None, False, context)
        return prepared

    def drop_all(self, execute, context):
        if any(self.names.values()):
            execute("DEALLOCATE ALL", None, False, context)
        self.names.clear()
        self.seen.clear()
