"""Three-way merge of a stale save: what the writer started from (``base``), what they
sent (``mine``) and what the server holds now (``theirs``), field by field.

- A field only one side changed takes that side's value.
- A long text both sides changed is merged when their edits fall in different
  sentences (diff-match-patch finds the edits; they are applied exactly, never by
  fuzzy matching, so an edit cannot land somewhere else or swallow another). Two
  edits that do not overlap character by character are still not independent when
  they fall in one sentence ("paid by the national treasury" + "and donor grants"
  makes a claim nobody made): every sentence of a merged text (ICU's sentence
  boundaries, ``common.text.sentence_spans``) must be one that one of the two
  sides wrote, else the field is a conflict and :func:`conflict_sentences` says
  which sentence of each side to show highlighted.
- A set (the options ticked, the rows of a table) both sides changed keeps what each
  side added and drops what each side removed, so two laptops ticking different
  options keep both.
- Anything else both sides changed differently is a conflict: both values go back
  to the person, who decides. Nothing is ever dropped without someone seeing it.

Pure functions on plain values: no database, no request.
"""

from dataclasses import dataclass, field

from common.text import sentence_spans

_UNKNOWN = object()


@dataclass(frozen=True)
class Merge:
    values: dict  # every field: merged, or the server's value where in conflict
    from_theirs: tuple = ()  # fields whose value (or part of it) came from the other save
    conflicts: dict = field(default_factory=dict)  # field -> {"mine": ..., "theirs": ...}
    # A long text in conflict -> {"mine": spans, "theirs": spans}: the sentences of
    # each side that both changed, as ``(start, end)`` in that side's text.
    sentences: dict = field(default_factory=dict)

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


def _sentences(text, language):
    return {text[start:end].strip() for start, end in sentence_spans(text, language)} - {""}


def merge_text(base, mine, theirs, language=""):
    """The merged text, or ``None`` when the two sides edited the same sentence."""
    mine_edits, their_edits = _edits(base, mine), _edits(base, theirs)
    if any(_overlap(a, b) for a in mine_edits for b in their_edits):
        return None
    merged, position = [], 0
    for start, end, replacement in sorted(mine_edits + their_edits):
        merged.append(base[position:start])
        merged.append(replacement)
        position = end
    merged.append(base[position:])
    merged = "".join(merged)
    if mine_edits and their_edits:
        written = _sentences(mine, language) | _sentences(theirs, language)
        if not _sentences(merged, language) <= written:
            return None  # a sentence neither side wrote
    return merged


def _touched(edits, spans):
    """The indices of the sentences of ``spans`` (of the base text) that ``edits`` change."""
    touched = set()
    for start, end, _replacement in edits:
        for index, (s, e) in enumerate(spans):
            inside = s <= start < e if start == end else start < e and end > s
            last = index == len(spans) - 1 and start == e  # appended to the text
            if inside or last:
                touched.add(index)
    return touched


def _to_side(position, edits, *, end):
    """``position`` in the base text as a position in the text ``edits`` make of it;
    an insertion at ``position`` belongs to what follows it."""
    offset = 0
    for start, stop, replacement in edits:
        if start < position < stop:
            return start + offset + (len(replacement) if end else 0)
        if start < position:
            offset += len(replacement) - (stop - start)
        else:
            break
    return position + offset


def _widen(text, start, end, language):
    """``(start, end)`` widened to the sentences of ``text`` it touches."""
    spans = [(s, e) for s, e in sentence_spans(text, language) if s < end and e > start]
    if not spans:
        return None
    return spans[0][0], spans[-1][1]


def conflict_sentences(base, mine, theirs, language=""):
    """For a long text :func:`merge_text` refused: ``{"mine": spans, "theirs": spans}``,
    the sentences of each side that fall where both sides edited the base text, as
    ``(start, end)`` in that side's text (what the conflict view highlights)."""
    spans = sentence_spans(base, language) or [(0, 0)]
    mine_edits, their_edits = _edits(base, mine), _edits(base, theirs)
    mine_touched, their_touched = _touched(mine_edits, spans), _touched(their_edits, spans)
    both = mine_touched & their_touched
    if not both:  # one side's edit crossed into the sentence next to the other's
        both = {
            index
            for index in mine_touched | their_touched
            if {index - 1, index, index + 1} & mine_touched
            and {index - 1, index, index + 1} & their_touched
        }
    result = {}
    for side, text, edits in (("mine", mine, mine_edits), ("theirs", theirs, their_edits)):
        marks = []
        for index in sorted(both):
            start, end = spans[index]
            widened = _widen(
                text,
                _to_side(start, edits, end=False),
                _to_side(end, edits, end=True),
                language,
            )
            if widened and (not marks or widened[0] >= marks[-1][1]):
                marks.append(widened)
            elif widened:
                marks[-1] = (marks[-1][0], max(marks[-1][1], widened[1]))
        result[side] = tuple(marks)
    return result


def merge_set(base, mine, theirs):
    """``theirs`` with what ``mine`` added to ``base`` and without what it removed, in
    ``theirs``' order, then ``mine``'s additions in its order."""
    base, removed = set(base), set(base) - set(mine)
    added = [value for value in mine if value not in base and value not in theirs]
    return [value for value in theirs if value not in removed] + added


def three_way(*, base, mine, theirs, long_fields=(), set_fields=(), language=""):
    """Merge ``mine`` into ``theirs`` against ``base`` (dicts by field name; a field
    missing from ``base`` is unknown there, so any difference on it is a conflict).
    ``set_fields`` hold lists merged as sets (:func:`merge_set`); ``language`` is the
    long texts' language (their sentence boundaries)."""
    values, from_theirs, conflicts, sentences = {}, [], {}, {}
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
        elif name in long_fields:
            texts = (base_value or "", my_value or "", their_value or "")
            merged = merge_text(*texts, language=language)
            if merged is not None:
                values[name] = merged
                from_theirs.append(name)
            else:
                values[name] = their_value
                conflicts[name] = {"mine": my_value, "theirs": their_value}
                sentences[name] = conflict_sentences(*texts, language=language)
        else:
            values[name] = their_value
            conflicts[name] = {"mine": my_value, "theirs": their_value}
    return Merge(
        values=values, from_theirs=tuple(from_theirs), conflicts=conflicts, sentences=sentences
    )


def merge_reason(base_version):
    """The history record's change reason of a save merged three-way: the version it was
    based on (django-simple-history's ``history_change_reason``)."""
    return f"merged:{base_version}"


def merged_base(reason):
    """The version a merged save was based on, from :func:`merge_reason`; else ``None``."""
    prefix, _colon, version = (reason or "").partition(":")
    return int(version) if prefix == "merged" and version.isdigit() else None


def marked_parts(text, spans):
    """``text`` as ``[(piece, marked), ...]``: the ``spans`` marked (without the spaces
    and line breaks they end with), the rest not; what the conflict views highlight."""
    parts, position = [], 0
    for start, end in spans:
        end = start + len(text[start:end].rstrip())
        if start > position:
            parts.append((text[position:start], False))
        if end > start:
            parts.append((text[start:end], True))
        position = max(position, end)
    if position < len(text):
        parts.append((text[position:], False))
    return parts


def conflict_highlights(merge):
    """``{field: {"mine": parts, "theirs": parts}}`` of :func:`marked_parts` for each
    long text in conflict in ``merge`` (a :class:`Merge`, or ``None``)."""
    if merge is None:
        return {}
    return {
        name: {
            side: marked_parts(str(merge.conflicts[name][side] or ""), spans[side])
            for side in ("mine", "theirs")
        }
        for name, spans in merge.sentences.items()
    }
