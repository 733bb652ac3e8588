"""Three-way merge of a stale save: what the writer started from (``base``), what they
sent (``mine``) and what the server holds now (``theirs``), field by field.

- A field only one side changed takes that side's value.
- A long text both sides changed is merged when their edits touch different parts of
  the base text (diff-match-patch finds the edits; they are applied exactly, never
  by fuzzy matching, so an edit cannot land somewhere else or swallow another).
- A set (the options ticked, the rows of a table) both sides changed keeps what each
  side added and drops what each side removed, so two laptops ticking different
  options keep both.
- Anything else both sides changed differently is a conflict: both values go back
  to the person, who decides. Nothing is ever dropped without someone seeing it.

Pure functions on plain values: no database, no request.
"""

from dataclasses import dataclass, field

_UNKNOWN = object()


@dataclass(frozen=True)
class Merge:
    values: dict  # every field: merged, or the server's value where in conflict
    from_theirs: tuple = ()  # fields whose value (or part of it) came from the other save
    conflicts: dict = field(default_factory=dict)  # field -> {"mine": ..., "theirs": ...}

    @property
    def clean(self):
        return not self.conflicts


def _edits(base, text):
    """The edits turning ``base`` into ``text`` as ``(start, end, replacement)`` on
    ``base``, from diff-match-patch's semantic diff."""
    from diff_match_patch import diff_match_patch

    engine = diff_match_patch()
    engine.Diff_Timeout = 1.0
    diffs = engine.diff_main(base, text)
    engine.diff_cleanupSemantic(diffs)
    edits, position = [], 0
    for operation, chunk in diffs:
        if operation == engine.DIFF_EQUAL:
            position += len(chunk)
        elif operation == engine.DIFF_DELETE:
            if edits and edits[-1][1] == position:
                start, _end, replacement = edits[-1]
                edits[-1] = (start, position + len(chunk), replacement)
            else:
                edits.append((position, position + len(chunk), ""))
            position += len(chunk)
        else:  # insert
            if edits and edits[-1][1] == position:
                start, end, replacement = edits[-1]
                edits[-1] = (start, end, replacement + chunk)
            else:
                edits.append((position, position, chunk))
    return edits


def _overlap(a, b):
    # Edits that touch, or insert at the same place, are one person's sentence: overlap.
    return a[0] <= b[1] and b[0] <= a[1]


def merge_text(base, mine, theirs):
    """The merged text, or ``None`` when the two sides edited the same part."""
    mine_edits, their_edits = _edits(base, mine), _edits(base, theirs)
    if any(_overlap(a, b) for a in mine_edits for b in their_edits):
        return None
    merged, position = [], 0
    for start, end, replacement in sorted(mine_edits + their_edits):
        merged.append(base[position:start])
        merged.append(replacement)
        position = end
    merged.append(base[position:])
    return "".join(merged)


def merge_set(base, mine, theirs):
    """``theirs`` with what ``mine`` added to ``base`` and without what it removed, in
    ``theirs``' order, then ``mine``'s additions in its order."""
    base, removed = set(base), set(base) - set(mine)
    added = [value for value in mine if value not in base and value not in theirs]
    return [value for value in theirs if value not in removed] + added


def three_way(*, base, mine, theirs, long_fields=(), set_fields=()):
    """Merge ``mine`` into ``theirs`` against ``base`` (dicts by field name; a field
    missing from ``base`` is unknown there, so any difference on it is a conflict).
    ``set_fields`` hold lists merged as sets (:func:`merge_set`)."""
    values, from_theirs, conflicts = {}, [], {}
    for name, their_value in theirs.items():
        my_value, base_value = mine.get(name, their_value), base.get(name, _UNKNOWN)
        if my_value == their_value:
            values[name] = my_value
        elif base_value is _UNKNOWN:
            # The version the writer started from is not known: never guess.
            values[name] = their_value
            conflicts[name] = {"mine": my_value, "theirs": their_value}
        elif their_value == base_value:
            values[name] = my_value
        elif my_value == base_value:
            values[name] = their_value
            from_theirs.append(name)
        elif name in set_fields:
            values[name] = merge_set(base_value or [], my_value or [], their_value or [])
            from_theirs.append(name)
        elif (
            name in long_fields
            and (merged := merge_text(base_value or "", my_value or "", their_value or ""))
            is not None
        ):
            values[name] = merged
            from_theirs.append(name)
        else:
            values[name] = their_value
            conflicts[name] = {"mine": my_value, "theirs": their_value}
    return Merge(values=values, from_theirs=tuple(from_theirs), conflicts=conflicts)
