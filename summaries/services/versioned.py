"""The one versioned write of everything a delegation edits (an answer, a summary's
details, an action, a TA request).

Its row is locked by the caller (the summary first, for answers and details, so that a
submit and a save never interleave); a save based on the current version is stored as
the next version, and a save based on an older one is merged three-way against that
version (``summaries.merge``): merged and stored when the two saves touched different
fields or different sentences of a long text, refused with :class:`StaleEdit`
otherwise. Each accepted change is one version and one history record
(django-simple-history); ``merged_from`` on the returned row names the fields that came
from the other save, and the history record names the version it was typed on.
"""

from dataclasses import dataclass, replace

from ..merge import merge_reason, three_way


class WritingClosed(Exception):
    """The session no longer accepts writes; ``reason`` says why, translated."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class InvalidValues(Exception):
    """Values that their unit's form refused (``errors``, by field, translated): a
    live document holding them is not written into the row until they are fixed."""

    def __init__(self, errors):
        super().__init__("invalid values")
        self.errors = errors


def writers_label(writers):
    """``written_by`` of a version: the writers' names, each once, in order, within
    the field's length."""
    names = list(dict.fromkeys(name.strip() for name in writers or () if name and name.strip()))
    label = ", ".join(names)
    return label if len(label) <= 300 else label[:299] + "…"


class StaleEdit(Exception):
    """The write was based on an old version and could not be merged: ``current`` is
    what the server holds, ``merge`` (a :class:`~summaries.merge.Merge`, or ``None``
    when nothing could be compared) says which fields conflict and holds every other
    field already merged."""

    def __init__(self, current, merge=None):
        super().__init__("stale edit")
        self.current = current
        self.merge = merge


def field_attnames(model, names):
    return {name: model._meta.get_field(name).attname for name in names}


@dataclass(frozen=True)
class UnitFields:
    """How the editing core reads and writes a unit's fields when they are not plain
    model fields (a structured answer: its ``data`` flattened by ``sessions.kinds``).

    ``read(row_or_history_record)`` gives the values by field name, ``write(row,
    values)`` stores them, ``blank(name)`` is a field's value when a version lacks it
    (a milestone row added since), ``set_fields`` merge as sets and ``repair(values,
    base)`` adjusts a merged result (a row one save removed and the other edited is
    kept)."""

    read: object
    write: object
    blank: object = None
    set_fields: tuple = ()
    repair: object = None


def model_fields(model, names):
    attnames = field_attnames(model, names)

    def read(row):
        return {name: getattr(row, attname) for name, attname in attnames.items()}

    def write(row, values):
        for name, value in values.items():
            setattr(row, attnames[name], value)

    return UnitFields(read=read, write=write)


def _complete(values, names, blank):
    return {name: values[name] if name in values else blank(name) for name in names}


def versioned_values(row, *, base_version, mine, long_fields, fields=None):
    """The values to store on ``row`` (locked, at a newer version than ``base_version``)
    for a save of ``mine`` (plain values by field name, relations as ids): a clean
    merge, or ``StaleEdit``."""
    fields = fields or model_fields(type(row), mine)
    theirs = fields.read(row)
    if base_version == 0:
        base = fields.read(type(row)())
    else:
        record = row.history.filter(version=base_version).order_by("-history_id").first()
        base = fields.read(record) if record else {}
    if fields.blank is not None:
        names = list(dict.fromkeys([*theirs, *mine]))
        theirs = _complete(theirs, names, fields.blank)
        mine = _complete(mine, names, fields.blank)
        base = _complete(base, names, fields.blank) if base else base
    else:
        theirs = {name: theirs[name] for name in mine}
    merge = three_way(
        base=base,
        mine=mine,
        theirs=theirs,
        long_fields=long_fields,
        set_fields=fields.set_fields,
        language=mine.get("language") or getattr(row, "language", ""),
    )
    if not merge.clean:
        raise StaleEdit(row, merge)
    if fields.repair is not None:
        merge = replace(merge, values=fields.repair(merge.values, base))
    return merge


def versioned_write(row, *, base_version, mine, long_fields, save, fields=None):
    """Store ``mine`` on the locked ``row`` as its next version (merged if stale);
    ``save(row)`` validates and saves. Returns ``row``, unchanged when nothing differs.
    ``fields`` (:class:`UnitFields`) says how to read and write fields that are not
    plain model fields."""
    fields = fields or model_fields(type(row), mine)
    merged_from = ()
    if base_version != row.version:
        merge = versioned_values(
            row, base_version=base_version, mine=mine, long_fields=long_fields, fields=fields
        )
        mine, merged_from = merge.values, merge.from_theirs
        # The history says which version this save was typed on: what came from it is
        # its difference with the version before, the rest came from the other laptop.
        row._change_reason = merge_reason(base_version)
    row.merged_from = merged_from
    current = fields.read(row)
    if all(current.get(name) == value for name, value in mine.items()) and (
        fields.blank is None or all(name in mine for name in current)
    ):
        return row
    fields.write(row, mine)
    row.version += 1
    save(row)
    row.merged_from = merged_from
    return row


def plain(value):
    return value.pk if hasattr(value, "_meta") else value


def ensure(decision):
    if not decision:
        raise WritingClosed(decision.reason)
