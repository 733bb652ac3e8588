"""Querysets compiled once and run again with new values: the autosave's hot path.

On that path each lookup is a small query for one row, and Django spends more time
building and compiling the SQL than the database spends answering it (STACK.md:
``compiler.as_sql`` about a third of a save). :class:`PreparedQuery` builds a
queryset from a function of named values, compiles it once per database, language
and set of names, and then runs the same SQL with the new values, through Django's
own model iteration (the same objects, ``select_related`` included, the same
converters, the same cursor wrappers, so query counting and logging see it).

Rules, checked where they can be:

- ``build(**values)`` returns a queryset of model instances (no ``values()``, no
  ``prefetch_related``) whose SQL depends on nothing but the shape of its arguments, and
  uses each value unchanged as a lookup value (``slug=...``, ``pk=...``). At the first
  call the queryset is compiled twice, with the real values and with marker values,
  and the query is prepared only if both give the same SQL, every marker appears once
  among the parameters, each real value stands where its marker stands, and every other
  parameter is the same in both (a ``timezone.now()`` inside ``build`` is not).
- Values are ``int`` (within 64 bits) or ``str``; a call with anything else (``None``
  turns ``=`` into ``IS NULL``; a date is converted per database) runs the queryset as
  usual, however the query was prepared. So does a query that cannot be prepared, and a
  call whose values make Django's compiler give up (``EmptyResultSet``: a number beyond
  its field's range), which prepares nothing.
- ``select_for_update`` outside a transaction raises, as Django does.
- ``using`` is a database alias; database routers are not asked (this project has none).
"""

import copy
import threading
import weakref

from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db import connections
from django.db.models.query import ModelIterable
from django.db.transaction import TransactionManagementError
from django.utils import translation

_MARKER_INT = 32000  # small enough for any integer field, so no lookup is elided
_UNPREPARABLE = False  # cached: this query runs as a plain queryset
_NOT_THESE_VALUES = None  # not cached: these values could not be compiled


def _preparable(value):
    return type(value) is str or (type(value) is int and -(2**63) <= value < 2**63)


class PreparedQuery:
    def __init__(self, build):
        self._build = build
        self._prepared = {}
        self._lock = threading.Lock()

    def __call__(self, *, using="default", **values):
        """The rows of ``build(**values)``, as a list."""
        prepared = _UNPREPARABLE
        if all(_preparable(value) for value in values.values()):
            key = (using, translation.get_language(), tuple(values))
            prepared = self._prepared.get(key)
            if prepared is None:
                with self._lock:
                    prepared = self._prepared.get(key)
                    if prepared is None:
                        prepared = self._prepare(using, values)
                        if prepared is not _NOT_THESE_VALUES:
                            self._prepared[key] = prepared
        if not prepared:
            return list(self._build(**values).using(using))
        return list(ModelIterable(prepared.run(values)))

    def first(self, *, using="default", **values):
        """The first row, or ``None`` (``build`` slices the queryset: ``[:1]``)."""
        rows = self(using=using, **values)
        return rows[0] if rows else None

    def _prepare(self, using, values):
        queryset = self._build(**values).using(using)
        if queryset._iterable_class is not ModelIterable or queryset._prefetch_related_lookups:
            return _UNPREPARABLE
        try:
            sql, params = queryset.query.get_compiler(using).as_sql()
        except (EmptyResultSet, FullResultSet):
            return _NOT_THESE_VALUES
        markers = {
            name: _MARKER_INT + index if type(value) is int else f"\ue000prepared-{index}"
            for index, (name, value) in enumerate(values.items())
        }  # a private-use character in the string markers
        marked = self._build(**markers).using(using)
        try:
            compiler = marked.query.get_compiler(using)
            marked_sql, marked_params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet, ValidationError, ValueError, TypeError):
            return _UNPREPARABLE  # a marker the lookup refuses: a value it converts
        if marked_sql != sql or len(marked_params) != len(params):
            return _UNPREPARABLE
        names = {marker: name for name, marker in markers.items()}
        slots = [
            names[param] if type(param) in (int, str) and param in names else (param,)
            for param in marked_params
        ]
        if sorted(slot for slot in slots if isinstance(slot, str)) != sorted(markers):
            return _UNPREPARABLE
        for slot, real in zip(slots, params, strict=True):
            expected = values[slot] if isinstance(slot, str) else slot[0]
            if type(real) is not type(expected) or real != expected:
                return _UNPREPARABLE  # a value the lookup changed, or a moving constant
        return _Prepared(marked, compiler, sql, slots, using)


class _Prepared:
    """One compiled query: the queryset it came from, its compiler after ``as_sql``
    (which holds the columns and how to build the objects), its SQL, and where each
    value goes among the parameters (a name, or a constant in a 1-tuple)."""

    def __init__(self, queryset, compiler, sql, slots, using):
        self.queryset, self.compiler, self.sql, self.slots = queryset, compiler, sql, slots
        self.using = using
        self.locks = bool(queryset.query.select_for_update)
        # The converters of each column, per connection (they are bound to it).
        self.converters = weakref.WeakKeyDictionary()

    def run(self, values):
        """A queryset that runs this SQL with ``values``."""
        connection = connections[self.using]  # this thread's connection
        features = connection.features
        if (
            self.locks
            and features.has_select_for_update
            and features.supports_transactions
            and connection.get_autocommit()
        ):
            raise TransactionManagementError(
                "select_for_update cannot be used outside of a transaction."
            )
        params = tuple(values[slot] if isinstance(slot, str) else slot[0] for slot in self.slots)
        compiler = copy.copy(self.compiler)
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: (self.sql, params)
        converters = self.converters.get(connection)
        if converters is None:
            converters = self.converters[connection] = compiler.get_converters(
                [column[0] for column in compiler.select[: compiler.col_count]]
            )
        compiler.get_converters = lambda expressions: converters
        query = copy.copy(self.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler
        queryset = self.queryset._chain()
        queryset.query = query
        return queryset


class PreparedSaves:
    """Model mixin: ``save()`` runs its ``UPDATE`` by primary key and its ``INSERT``
    from SQL compiled once per model, database and set of fields.

    Everything else about a save is Django's: the signals, ``auto_now``, the choice
    between updating and inserting, what ``save()`` returns and raises. Only the two
    statements are not built again: for an answer's autosave, building them was about
    half of the write's time in Python (docs/benchmarks.md). The values go through the same
    field methods Django's compilers call (``get_db_prep_save``, ``pre_save``). A save
    whose statement Django would build differently runs as Django runs it: a value that
    is an expression (``F("version") + 1``), a field with its own placeholder, columns to
    read back from an ``UPDATE``, ``select_on_save``, a backend that inserts in several
    statements, returned columns that need converting."""

    _prepared_updates = None  # per model: (using, fields) -> SQL or _UNPREPARABLE
    _prepared_inserts = None  # per model: (using, fields, returning, raw) -> SQL

    def _do_update(
        self, base_qs, using, pk_val, values, update_fields, forced_update, returning_fields
    ):
        rows = _prepared_update(base_qs, using, pk_val, values, returning_fields)
        if rows is _AS_DJANGO:
            return super()._do_update(
                base_qs, using, pk_val, values, update_fields, forced_update, returning_fields
            )
        return rows

    def _do_insert(self, manager, using, fields, returning_fields, raw):
        rows = _prepared_insert(self, manager, using, fields, returning_fields, raw)
        if rows is _AS_DJANGO:
            return super()._do_insert(manager, using, fields, returning_fields, raw)
        return rows


_AS_DJANGO = object()  # this save runs the statement Django builds


def _prepared_update(base_qs, using, pk_val, values, returning_fields):
    """What ``_do_update`` answers, from the model's compiled ``UPDATE``, or ``_AS_DJANGO``."""
    model = base_qs.model
    connection = connections[using]
    params = _plain_params(((field, value) for field, _model, value in values), connection)
    if returning_fields or model._meta.select_on_save or params is None:
        return _AS_DJANGO
    cache = _per_model(model, "_prepared_updates")
    key = (using, tuple(field for field, _model, _value in values))
    sql = cache.get(key)
    pk = model._meta.pk.get_db_prep_value(pk_val, connection, prepared=False)
    if sql is None:
        sql = cache[key] = _update_sql(base_qs, pk_val, values, (*params, pk))
    if sql is _UNPREPARABLE:
        return _AS_DJANGO
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, pk))
        return [()] * cursor.rowcount  # what QuerySet._update answers


def _prepared_insert(row, manager, using, fields, returning_fields, raw):
    """What ``_do_insert`` answers, from the model's compiled ``INSERT``, or ``_AS_DJANGO``."""
    cache = _per_model(type(row), "_prepared_inserts")
    key = (using, tuple(fields), tuple(returning_fields or ()), raw)
    sql = cache.get(key)
    if sql is None:  # the first insert runs the statement Django compiled
        if any(hasattr(getattr(row, field.attname), "resolve_expression") for field in fields):
            return _AS_DJANGO  # its SQL is not the one plain values get: compile it later
        sql, params = _insert_sql(row, manager, using, fields, returning_fields, raw)
        cache[key] = sql
    elif sql is _UNPREPARABLE:
        return _AS_DJANGO
    else:
        values = (
            (field, getattr(row, field.attname) if raw else field.pre_save(row, add=True))
            for field in fields
        )
        params = _plain_params(values, connections[using])
    if params is None:
        return _AS_DJANGO
    return _run_insert(using, sql, params, returning_fields)


def _per_model(model, name):
    cache = model.__dict__.get(name)
    if cache is None:
        cache = {}
        setattr(model, name, cache)
    return cache


def _plain_params(fields_and_values, connection):
    """The parameters Django's compilers make of these plain values, or ``None`` where one
    is an expression, a model instance or for a field with its own placeholder."""
    params = []
    for field, value in fields_and_values:
        if (
            hasattr(value, "resolve_expression")
            or hasattr(value, "prepare_database_save")
            or getattr(field, "get_placeholder_sql", None) is not None
        ):
            return None
        value = field.get_db_prep_save(value, connection=connection)
        if hasattr(value, "as_sql"):
            return None
        params.append(value)
    return params


def _same(mine, theirs):
    return type(mine) is type(theirs) and (
        mine == theirs or getattr(mine, "adapted", mine) == getattr(theirs, "adapted", theirs)
    )  # a JSON adapter compares by what it adapts


def _update_sql(base_qs, pk_val, values, params):
    """The SQL Django compiles for this update, if its parameters are ``params``."""
    from django.db.models.sql import UpdateQuery

    query = base_qs.filter(pk=pk_val).query.chain(UpdateQuery)
    query.add_update_fields(values)
    if query.related_updates:
        return _UNPREPARABLE
    sql, compiled = query.get_compiler(base_qs.db).as_sql()
    if len(compiled) != len(params) or not all(map(_same, params, compiled)):
        return _UNPREPARABLE
    return sql


def _insert_sql(row, manager, using, fields, returning_fields, raw):
    """The SQL and parameters Django compiles for inserting ``row`` (``pre_save``
    included), or ``_UNPREPARABLE`` if that is not one statement with one ``%s`` per
    field whose returned columns are read as they are."""
    from django.db.models.sql import InsertQuery

    if any(getattr(field, "get_placeholder_sql", None) is not None for field in fields):
        return _UNPREPARABLE, None
    query = InsertQuery(manager.model)
    query.insert_values(fields, [row], raw=raw)
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = returning_fields
    statements = compiler.as_sql()
    if len(statements) != 1 or len(statements[0][1]) != len(fields):
        return _UNPREPARABLE, None
    sql, params = statements[0]
    if any(hasattr(param, "as_sql") for param in params):
        return _UNPREPARABLE, None
    if returning_fields:
        table = query.get_meta().db_table
        features = compiler.connection.features
        if (
            not features.can_return_columns_from_insert
            or compiler.returning_params
            or compiler.get_converters([field.get_col(table) for field in returning_fields])
        ):
            return _UNPREPARABLE, None
    return sql, params


def _run_insert(using, sql, params, returning_fields):
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if not returning_fields:
            return []
        return list(connection.ops.fetch_returned_rows(cursor, ()))
