"""Server-side prepared statements for the statements a connection repeats.

PostgreSQL parses, analyses and plans every statement it receives. The autosave's
statements are small lookups and writes by key, for which that work is most of what
the server does: replayed one save at a time on this machine, its statements cost the
server 2.2 ms of CPU as plain SQL and 1.0 ms as ``EXECUTE`` of statements prepared once
(docs/benchmarks.md). psycopg 3 can prepare repeated statements (``prepare_threshold``,
off under Django unless set); psycopg2, which this project uses, cannot, so
:class:`Statements` does what psycopg 3 does, on Django's execute-wrapper hook:

- a statement is prepared (``PREPARE``) on its ``THRESHOLD``-th execution on one
  connection, and from then on sent as ``EXECUTE name(values)``; at most ``MAXIMUM``
  statements stay prepared per connection (the least recently used is ``DEALLOCATE``\\ d);
- only ``SELECT``, ``INSERT``, ``UPDATE``, ``DELETE`` and ``WITH`` statements with
  positional values, run once (not ``executemany``) on an unnamed cursor; everything
  else is sent as it is;
- a statement is prepared with its parameters' types declared as the types of the
  literals psycopg2 writes for its values (``5`` an ``integer``, ``2.5`` a ``numeric``,
  ``true`` a ``boolean``, a datetime a ``timestamptz``; a string, ``NULL`` and JSON are
  ``unknown``, inferred from where they stand as a literal is): so the server reads an
  ``EXECUTE`` as it reads the plain SQL, arithmetic and overloaded functions included.
  The same SQL with values of other types is another statement; values of a type
  without such a literal (lists) are sent as plain SQL;
- a statement the server refuses to prepare (a value whose type it cannot infer) is sent
  as plain SQL for the rest of the connection; inside a transaction the attempt runs
  in a savepoint, so the transaction goes on;
- ``ALTER``, ``CREATE`` and ``DROP`` on a connection drop its prepared statements first
  (a prepared ``SELECT`` whose columns changed would otherwise be refused); a schema
  changed by another connection (a migration while the app serves), or statements
  deallocated behind its back (a pooler's ``DISCARD ALL``), fail an ``EXECUTE``: then
  every statement of the connection is dropped and, outside a transaction, the
  statement runs again as plain SQL (inside one, the transaction has failed already and
  its error is raised; the connection's next statement starts afresh);
- a new connection starts with none (``DatabaseWrapper.init_connection_state``).

What is logged and counted (``connection.queries``, ``CaptureQueriesContext``) is the
statement's own SQL with its values (``DatabaseOperations.last_executed_query``).
Not for a connection pooler in transaction mode (PgBouncer's default), which shares one
server session between clients: point ``DATABASE_URL`` at PostgreSQL or at a pooler in
session mode (README, Deployment)."""

import datetime as dt
import math
import re
import uuid
from collections import OrderedDict
from decimal import Decimal

from django.db import DatabaseError
from django.db.backends.postgresql.psycopg_any import Json

_PREPARABLE = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")
_SCHEMA_CHANGES = ("ALTER", "CREATE", "DROP")
_PLACEHOLDER = re.compile(r"%(.)", re.DOTALL)
_REFUSED = ()  # a statement the server would not prepare
# invalid_sql_statement_name (deallocated behind our back), and feature_not_supported:
# "cached plan must not change result type" (another connection changed the schema).
_STALE = {"26000", "0A000"}

# The type of the literal psycopg2 writes for a value of each Python type.
_LITERAL_TYPES = {
    str: "unknown",  # '...'
    type(None): "unknown",  # NULL
    bool: "boolean",  # true
    Decimal: "numeric",  # 2.5, 'NaN'::numeric
    dt.datetime: None,  # '...'::timestamptz or '...'::timestamp, below
    dt.date: "date",  # '...'::date
    dt.time: "time",  # '...'::time
    dt.timedelta: "interval",  # '... seconds'::interval
    uuid.UUID: "uuid",  # '...'::uuid
    bytes: "bytea",  # '\\x...'::bytea
    memoryview: "bytea",
}


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


def _literal_type(value):
    """The PostgreSQL type of the literal psycopg2 writes for ``value`` (``unknown``
    for an untyped one), or ``None`` for a value this module does not send to a
    prepared statement."""
    kind = type(value)
    if kind is int:  # 5: integer, bigint or numeric, by its size
        if -(2**31) <= value < 2**31:
            return "integer"
        return "bigint" if -(2**63) <= value < 2**63 else "numeric"
    if kind is float:  # 2.5 and 1e+100 are numeric; 'NaN'::float and 'Infinity'::float
        return "numeric" if math.isfinite(value) else "double precision"
    if kind is dt.datetime:
        return "timestamptz" if value.tzinfo else "timestamp"
    if isinstance(value, Json):  # '{...}'
        return "unknown"
    return _LITERAL_TYPES.get(kind)


class Statements:
    """The prepared statements of one server connection (an execute wrapper)."""

    PREFIX = "portal_"  # of the names this backend gives its statements
    EXECUTE = f"EXECUTE {PREFIX}"
    THRESHOLD = 5  # psycopg 3's default prepare_threshold
    MAXIMUM = 100  # psycopg 3's default prepared_max

    def __init__(self, wrapper):
        self.wrapper = wrapper  # the DatabaseWrapper, for its transaction state
        # Keyed by (sql, the values' literal types), least recently used first:
        self.seen = OrderedDict()  # -> executions so far
        self.names = OrderedDict()  # -> name, or _REFUSED
        self.counter = 0
        self.stale = False  # the server may hold statements this object has forgotten

    def __call__(self, execute, sql, params, many, context):
        if many or not params or not isinstance(params, (list, tuple)):
            if not many and _first_word(sql) in _SCHEMA_CHANGES:
                self.drop_all(execute, context)
            return execute(sql, params, many, context)
        if getattr(context["cursor"].cursor, "name", None) is not None:
            return execute(sql, params, many, context)  # a server-side cursor's DECLARE
        types = tuple(map(_literal_type, params))
        if None in types:
            return execute(sql, params, many, context)
        key = (sql, types)
        name = self.names.get(key)
        if name is None:
            name = self.consider(execute, key, context)
        else:
            self.names.move_to_end(key)
        if not name:
            return execute(sql, params, many, context)
        placeholders = ", ".join(["%s"] * len(params))
        try:
            return execute(f"EXECUTE {name}({placeholders})", params, many, context)
        except DatabaseError as error:
            if getattr(error.__cause__, "pgcode", None) not in _STALE:
                raise
            self.forget_all()
            if not self.wrapper.get_autocommit():
                raise
            self.drop_all(execute, context)
            return execute(sql, params, many, context)

    def consider(self, execute, key, context):
        """Count one more execution of ``key``; prepare it at the threshold. Returns its
        name once prepared, else ``None`` or ``_REFUSED``."""
        count = self.seen.pop(key, 0) + 1
        if count < self.THRESHOLD:
            self.seen[key] = count
            while len(self.seen) > 4 * self.MAXIMUM:
                self.seen.popitem(last=False)
            return None
        sql, types = key
        numbered = _first_word(sql) in _PREPARABLE and _numbered(sql, len(types))
        if not numbered:
            self.names[key] = _REFUSED
            return None
        if self.stale:
            self.drop_all(execute, context)
        while len(self.names) >= self.MAXIMUM:
            _old_key, old = self.names.popitem(last=False)
            if old:
                execute(f"DEALLOCATE {old}", None, False, context)
        self.counter += 1
        name = f"{self.PREFIX}{self.counter}"
        self.names[key] = self.prepare(execute, name, types, numbered, context)
        return self.names[key]

    def prepare(self, execute, name, types, numbered, context):
        """``PREPARE`` the statement with its parameters' types: its name, or
        ``_REFUSED`` if the server will not (inside a transaction the attempt runs in a
        savepoint, so the transaction goes on)."""
        in_transaction = not self.wrapper.get_autocommit()
        if in_transaction:
            execute("SAVEPOINT portal_prepare", None, False, context)
        try:
            execute(f"PREPARE {name} ({', '.join(types)}) AS {numbered}", None, False, context)
        except DatabaseError:
            if in_transaction:
                execute("ROLLBACK TO SAVEPOINT portal_prepare", None, False, context)
            prepared = _REFUSED
        else:
            prepared = name
        if in_transaction:
            execute("RELEASE SAVEPOINT portal_prepare", None, False, context)
        return prepared

    def forget_all(self):
        """Forget every statement; the server's are dropped at the next chance."""
        self.stale = self.stale or any(self.names.values())
        self.names.clear()
        self.seen.clear()

    def drop_all(self, execute, context):
        if self.stale or any(self.names.values()):
            execute("DEALLOCATE ALL", None, False, context)
        self.stale = False
        self.names.clear()
        self.seen.clear()
