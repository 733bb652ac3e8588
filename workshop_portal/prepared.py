"""Querysets compiled once and run again with new values: the autosave's hot path.

On that path each lookup is a small query for one row, and Django spends more time
building and compiling the SQL than the database spends answering it (STACK.md:
``compiler.as_sql`` about a third of a save). :class:`PreparedQuery` builds a
queryset from a function of named values, compiles it once per database, language
and set of names, and then runs the same SQL with the new values, through Django's
own model iteration (the same objects, ``select_related`` included, the same
converters, the same cursor wrappers, so query counting and logging see it).

Rules, checked where they can be:

- ``build(**values)`` returns a queryset whose SQL depends on nothing but the shape
  of its arguments, and uses each value only as a lookup value (``slug=...``,
  ``pk=...``). At the first call the queryset is compiled twice, with the real values
  and with marker values, and the query is prepared only if both give the same SQL
  and every marker appears once among the parameters.
- Values are ``int`` or ``str``. Anything else (``None`` turns ``=`` into
  ``IS NULL``; a date is converted per database) runs the queryset as usual.
- ``select_for_update`` outside a transaction raises, as Django does.

No third-party package does this for current Django (django-prepared-queries, the
closest, stopped at Django 1.11); this leans on ``ModelIterable`` and the compiler's
``as_sql``, so ``tests/workshop_portal/test_prepared.py`` compares its results with
the plain queryset's on both databases whenever Django is upgraded.
"""

import copy
import threading
import weakref

from django.db import connections
from django.db.models.query import ModelIterable
from django.db.transaction import TransactionManagementError
from django.utils import translation

_MARKER_INT = 32000  # small enough for any integer field, so no lookup is elided


class PreparedQuery:
    def __init__(self, build):
        self._build = build
        self._prepared = {}
        self._lock = threading.Lock()

    def __call__(self, *, using="default", **values):
        """The rows of ``build(**values)``, as a list."""
        key = (using, translation.get_language(), tuple(values))
        prepared = self._prepared.get(key)
        if prepared is None:
            with self._lock:
                prepared = self._prepared.get(key)
                if prepared is None:
                    prepared = self._prepare(using, values) or False
                    self._prepared[key] = prepared
        if prepared is False:
            return list(self._build(**values).using(using))
        return list(ModelIterable(prepared.run(values)))

    def first(self, *, using="default", **values):
        """The first row, or ``None`` (``build`` slices the queryset: ``[:1]``)."""
        rows = self(using=using, **values)
        return rows[0] if rows else None

    def _prepare(self, using, values):
        markers = {}
        for index, (name, value) in enumerate(values.items()):
            if type(value) is int:
                markers[name] = _MARKER_INT + index
            elif type(value) is str:
                markers[name] = f"\ue000prepared-{index}"  # a private-use character
            else:
                return None
        sql, params = self._build(**values).using(using).query.get_compiler(using).as_sql()
        marked = self._build(**markers).using(using)
        compiler = marked.query.get_compiler(using)
        marked_sql, marked_params = compiler.as_sql()
        if marked_sql != sql or len(marked_params) != len(params):
            return None
        names = {marker: name for name, marker in markers.items()}
        slots = [
            names[param] if type(param) in (int, str) and param in names else (param,)
            for param in marked_params
        ]
        if sorted(slot for slot in slots if isinstance(slot, str)) != sorted(markers):
            return None
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
        if self.locks and connection.get_autocommit():
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
